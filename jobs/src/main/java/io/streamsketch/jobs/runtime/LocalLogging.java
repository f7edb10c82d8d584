package io.streamsketch.jobs.runtime;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

/**
 * Sends the log of a {@code java -jar} run to a file of its own under {@link LocalFiles#logs()}, instead of log4j's
 * default of ERROR lines on stdout next to the summary. Must run before anything creates a logger: the first logger
 * fixes log4j's configuration. A run with a log4j configuration of its own ({@code flink run}, tests, or {@code
 * -Dlog4j.configurationFile}) keeps it.
 */
public final class LocalLogging {
  static final String CONFIGURATION = "streamsketch-local-log4j2.properties";
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

  private static Path file;

  private LocalLogging() {}

  /** Chooses the run's log file, named after {@code command}, unless log4j is configured already. */
  public static void toFile(String command) {
    if (System.getProperty("log4j.configurationFile") != null
        || System.getProperty("log4j2.configurationFile") != null
        || System.getenv("LOG4J_CONFIGURATION_FILE") != null) {
      return;
    }
    String name = command.replaceAll("[^A-Za-z0-9._-]", "_");
    file =
        LocalFiles.logs()
            .resolve(name + "-" + LocalDateTime.now().format(STAMP) + "-" + ProcessHandle.current().pid() + ".log");
    System.setProperty("streamsketch.log.file", file.toString());
    System.setProperty("log4j2.configurationFile", CONFIGURATION);
  }

  /** The log file of this run, if {@link #toFile} chose one. */
  public static Optional<Path> file() {
    return Optional.ofNullable(file);
  }
}
