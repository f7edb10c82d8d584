package io.streamsketch.jobs.runtime;

import io.streamsketch.jobs.cli.UsageException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What a run may do with an {@code --output} folder that already holds files. Results of two runs must never mix
 * silently, and a user's own files are never deleted:
 *
 * <ul>
 *   <li>a fresh run refuses a non-empty folder;
 *   <li>a restored run ({@code --from-savepoint}, {@code --resume}) continues in it: its restored file-sink state
 *       commits the files pending at the restore point, and the new files join them, so every result is there once;
 *       part files left in progress by the interrupted run (never committed, invisible to readers) are removed
 *       when the restored run finishes;
 *   <li>{@code --overwrite} removes the subfolders that hold only part files a job wrote, and refuses if the folder
 *       holds anything else.
 * </ul>
 */
public final class OutputFolderRules {
  /** A committed part file of the file sink ({@code part-<uuid>-<n>.jsonl}) or an in-progress one. */
  private static final Pattern PART_FILE = Pattern.compile("part-.+|" + "\\.part-.+\\.inprogress\\..+");

  private OutputFolderRules() {}

  /** Checks (and with {@code overwrite} clears) the output folder before the job starts; null means no folder. */
  public static void prepare(String output, Restore restore, boolean overwrite) {
    if (output == null) {
      if (overwrite) {
        throw new UsageException("--overwrite needs --output");
      }
      return;
    }
    Path folder = Paths.get(output).toAbsolutePath();
    if (overwrite && restore.restores()) {
      throw new UsageException(
          "--overwrite and a restore exclude each other: the restored run continues the results already in " + folder);
    }
    if (Files.exists(folder) && !Files.isDirectory(folder)) {
      throw new UsageException("--output " + folder + " is a file, not a folder");
    }
    List<Path> entries = entries(folder);
    if (entries.isEmpty() || restore.restores()) {
      return;
    }
    if (!overwrite) {
      throw new UsageException(
          "--output " + folder + " is not empty: pass --overwrite to replace its results, or --resume/--from-savepoint"
              + " to continue the run that wrote them");
    }
    for (Path entry : entries) {
      if (!isResultFolder(entry)) {
        throw new UsageException(
            "--overwrite: " + entry + " is not a result folder of a job (only part files); move it or choose another"
                + " --output");
      }
    }
    entries.forEach(OutputFolderRules::deleteRecursively);
  }

  private static boolean isResultFolder(Path entry) {
    return Files.isDirectory(entry)
        && entries(entry).stream()
            .allMatch(file -> Files.isRegularFile(file) && PART_FILE.matcher(file.getFileName().toString()).matches());
  }

  private static List<Path> entries(Path folder) {
    if (!Files.isDirectory(folder)) {
      return List.of();
    }
    try (Stream<Path> entries = Files.list(folder)) {
      return entries.sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteRecursively(Path path) {
    try (Stream<Path> paths = Files.walk(path)) {
      paths.sorted(Comparator.reverseOrder()).forEach(OutputFolderRules::delete);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void delete(Path path) {
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
