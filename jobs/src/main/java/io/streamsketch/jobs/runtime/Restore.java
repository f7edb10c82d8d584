package io.streamsketch.jobs.runtime;

import io.streamsketch.jobs.cli.Option;
import io.streamsketch.jobs.cli.ParsedArgs;
import io.streamsketch.jobs.cli.UsageException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;

/**
 * Where a run starts from: nothing, a savepoint or retained checkpoint ({@code --from-savepoint}), or the latest
 * complete checkpoint under a checkpoint folder ({@code --resume}). Paths are checked before the job starts.
 */
public final class Restore {
  static final String METADATA = "_metadata";
  private static final Pattern CHECKPOINT_FOLDER = Pattern.compile("chk-(\\d+)");

  public static final List<Option> OPTIONS =
      List.of(
          Option.value(
              "from-savepoint", "path", null, "start from this savepoint or retained checkpoint (its folder or _metadata)"),
          Option.value(
              "resume", "dir", null, "start from the latest complete checkpoint (chk-N with _metadata) under this folder"),
          Option.flag(
              "allow-non-restored-state", "start even if the savepoint has state of an operator this job lacks (dropped)"),
          Option.flag("overwrite", "remove the results of an earlier run under --output before starting"));

  private final Path path;
  private final boolean allowNonRestoredState;

  private Restore(Path path, boolean allowNonRestoredState) {
    this.path = path;
    this.allowNonRestoredState = allowNonRestoredState;
  }

  /** The restore point that {@code args} select, checked on disk. */
  public static Restore from(ParsedArgs args) {
    boolean allow = args.flag("allow-non-restored-state");
    if (args.has("from-savepoint") && args.has("resume")) {
      throw new UsageException("--from-savepoint and --resume exclude each other");
    }
    if (args.has("from-savepoint")) {
      return new Restore(savepointFolder(args.string("from-savepoint"), "--from-savepoint"), allow);
    }
    if (args.has("resume")) {
      Path dir = Paths.get(args.string("resume")).toAbsolutePath();
      if (!Files.isDirectory(dir)) {
        throw new UsageException("--resume " + dir + " is not a folder");
      }
      return new Restore(
          latestCheckpoint(dir)
              .orElseThrow(
                  () -> new UsageException(
                      "--resume " + dir + ": no complete checkpoint there (a chk-N folder with a " + METADATA
                          + " file); start without --resume")),
          allow);
    }
    if (allow) {
      throw new UsageException("--allow-non-restored-state needs --from-savepoint or --resume");
    }
    return new Restore(null, false);
  }

  /**
   * The folder of the savepoint or retained checkpoint at {@code given} (the folder or its {@code _metadata} file).
   *
   * @throws UsageException naming {@code option} if there is none
   */
  public static Path savepointFolder(String given, String option) {
    Path path = Paths.get(given).toAbsolutePath();
    if (Files.isRegularFile(path) && path.getFileName().toString().equals(METADATA)) {
      return path.getParent();
    }
    if (!Files.isRegularFile(path.resolve(METADATA))) {
      throw new UsageException(
          option + " " + path + " is not a savepoint or retained checkpoint: it has no " + METADATA + " file");
    }
    return path;
  }

  /**
   * The complete checkpoint with the highest number under {@code dir}: {@code dir/chk-N}, or {@code dir/JOB/chk-N}
   * for the job-id folders Flink creates. A restored job continues its checkpoint numbers, so the highest number
   * across job folders is the newest. Folders without {@code _metadata} are incomplete (or being deleted).
   */
  static Optional<Path> latestCheckpoint(Path dir) {
    if (!Files.isDirectory(dir)) {
      return Optional.empty();
    }
    try (Stream<Path> files = Files.find(dir, 3, (file, attributes) -> file.getFileName().toString().equals(METADATA))) {
      return files
          .map(Path::getParent)
          .filter(folder -> CHECKPOINT_FOLDER.matcher(folder.getFileName().toString()).matches())
          .max(Comparator.comparingLong(Restore::checkpointNumber).thenComparingLong(Restore::modified));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static long checkpointNumber(Path folder) {
    Matcher matcher = CHECKPOINT_FOLDER.matcher(folder.getFileName().toString());
    return matcher.matches() ? Long.parseLong(matcher.group(1)) : -1;
  }

  private static long modified(Path folder) {
    try {
      return Files.getLastModifiedTime(folder).toMillis();
    } catch (IOException e) {
      return 0;
    }
  }

  /** Whether the run starts from state. */
  public boolean restores() {
    return path != null;
  }

  /** The savepoint or checkpoint folder, or null. */
  public Path path() {
    return path;
  }

  /**
   * The one-line usage error for a job that failed because the restored state has an operator the job lacks (Flink:
   * "Cannot map checkpoint/savepoint state for operator ..."), typically a savepoint of another job.
   */
  Optional<UsageException> asUsageError(Throwable failure) {
    for (Throwable t = failure; t != null && t.getCause() != t; t = t.getCause()) {
      if (String.valueOf(t.getMessage()).contains("Cannot map checkpoint/savepoint state for operator")) {
        return Optional.of(
            new UsageException(
                path + " holds state of an operator this job does not have: it is not a savepoint of this job, or"
                    + " the job lost an operator; --allow-non-restored-state drops that state"));
      }
    }
    return Optional.empty();
  }

  /** Sets the restore settings on the job's configuration. */
  void apply(Configuration conf) {
    if (path != null) {
      conf.set(StateRecoveryOptions.SAVEPOINT_PATH, path.toUri().toString());
      conf.set(StateRecoveryOptions.SAVEPOINT_IGNORE_UNCLAIMED_STATE, allowNonRestoredState);
    }
  }
}
