package io.streamsketch.jobs.generate;

import io.streamsketch.generator.ClickstreamText;
import io.streamsketch.generator.GeneratorConfig;
import io.streamsketch.jobs.cli.Option;
import io.streamsketch.jobs.cli.OptionSet;
import io.streamsketch.jobs.cli.ParsedArgs;
import io.streamsketch.jobs.runtime.CommonOptions;
import io.streamsketch.jobs.runtime.JobCommand;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** {@code generate}: writes {@code events.jsonl} and {@code pages.csv} into a folder. No Flink involved. */
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
        .add(Option.value("malformed-fraction", "f", "0", "fraction of extra broken lines among the events"));
  }

  @Override
  public int run(ParsedArgs args, PrintStream out) throws IOException {
    Path folder = Paths.get(args.required("output"));
    GeneratorConfig config = CommonOptions.generatorConfig(args, args.fraction("malformed-fraction", 0, 1));
    Files.createDirectories(folder);
    ClickstreamText.Counts counts;
    try (Writer events = writer(folder.resolve(EVENTS_FILE));
        Writer pages = writer(folder.resolve(PAGES_FILE))) {
      counts = ClickstreamText.writeEvents(config, events);
      ClickstreamText.writePages(config, pages);
    }
    out.printf(
        "wrote %,d events and %,d malformed lines to %s, and %,d pages to %s%n",
        counts.events(),
        counts.malformedLines(),
        folder.resolve(EVENTS_FILE),
        config.pages(),
        folder.resolve(PAGES_FILE));
    return 0;
  }

  private static Writer writer(Path file) throws IOException {
    return new BufferedWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8), 1 << 16);
  }
}
