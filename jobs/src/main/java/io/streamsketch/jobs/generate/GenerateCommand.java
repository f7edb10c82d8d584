package io.streamsketch.jobs.generate;

import io.streamsketch.generator.ClickstreamText;
import io.streamsketch.generator.GeneratorConfig;
import io.streamsketch.jobs.cli.Option;
import io.streamsketch.jobs.cli.OptionSet;
import io.streamsketch.jobs.cli.ParsedArgs;
import io.streamsketch.jobs.cli.UsageException;
import io.streamsketch.jobs.runtime.CommonOptions;
import io.streamsketch.jobs.runtime.JobCommand;
import io.streamsketch.jobs.runtime.PathChecks;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code generate}: writes {@code events.jsonl} and {@code pages.csv} into a folder. No Flink involved.
 *
 * <p>Each file is written under a hidden temporary name in the same folder and renamed when complete, so a killed run
 * leaves no truncated file under the real name (Flink's file source skips hidden files), and an existing file is
 * replaced only with {@code --overwrite}.
 */
public final class GenerateCommand implements JobCommand {
  public static final String EVENTS_FILE = "events.jsonl";
  public static final String PAGES_FILE = "pages.csv";

  @Override
  public String name() {
    return "generate";
  }

  @Override
  public String summary() {
    return "write generated events (JSON lines) and the page dimension (pages.csv) to a folder";
  }

  @Override
  public OptionSet options() {
    return new OptionSet()
        .add(Option.value("output", "dir", null, "folder to write " + EVENTS_FILE + " and " + PAGES_FILE + " into"))
        .addAll(CommonOptions.GENERATOR)
        .add(Option.value("malformed-fraction", "f", "0", "fraction of extra broken lines among the events"))
        .add(Option.flag("overwrite", "replace " + EVENTS_FILE + " and " + PAGES_FILE + " if the folder has them"));
  }

  @Override
  public int run(ParsedArgs args, PrintStream out) throws IOException {
    GeneratorConfig config = CommonOptions.generatorConfig(args, args.fraction("malformed-fraction", 0, 1));
    PathChecks.writableFolder(args, "output");
    Path folder = Paths.get(args.required("output"));
    boolean overwrite = args.flag("overwrite");
    Path events = folder.resolve(EVENTS_FILE);
    Path pages = folder.resolve(PAGES_FILE);
    List<String> existing = new ArrayList<>();
    for (Path file : List.of(events, pages)) {
      if (Files.isDirectory(file)) {
        throw new UsageException(name() + ": " + file + " is a folder; remove it or choose another --output");
      }
      if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
        existing.add(file.getFileName().toString());
      }
    }
    if (!existing.isEmpty() && !overwrite) {
      throw new UsageException(
          name() + ": " + folder + " already has " + String.join(" and ", existing) + "; --overwrite replaces them");
    }
    ClickstreamText.Counts counts = writeAtomically(events, overwrite, w -> ClickstreamText.writeEvents(config, w));
    writeAtomically(pages, overwrite, w -> {
      ClickstreamText.writePages(config, w);
      return null;
    });
    out.printf(
        "wrote %,d events and %,d malformed lines to %s, and %,d pages to %s%n",
        counts.events(), counts.malformedLines(), events, config.pages(), pages);
    return 0;
  }

  /** What writes a file's content. */
  private interface Content<T> {
    T writeTo(Writer writer) throws IOException;
  }

  /**
   * Writes {@code file} under a hidden temporary name in its folder (created with the user's umask, as the file
   * itself would be), then renames it: readers see the old file or the complete new one, never a truncated one.
   */
  private static <T> T writeAtomically(Path file, boolean overwrite, Content<T> content) throws IOException {
    Path temporary =
        file.resolveSibling("." + file.getFileName() + "." + Long.toHexString(System.nanoTime()) + ".tmp");
    try {
      T result;
      try (Writer writer =
          new BufferedWriter(
              Files.newBufferedWriter(temporary, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW), 1 << 16)) {
        result = content.writeTo(writer);
      }
      if (overwrite) {
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
      } else {
        // No REPLACE_EXISTING: a file that appeared since the check is not overwritten either.
        Files.move(temporary, file);
      }
      return result;
    } finally {
      Files.deleteIfExists(temporary);
    }
  }
}
