package io.streamsketch.jobs.runtime;

import io.streamsketch.jobs.cli.ParsedArgs;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The progress line of a {@code java -jar} run: one line on stderr, rewritten in place every {@link #INTERVAL} from
 * Flink's metrics ({@link ProgressMetrics}), cleared when the job ends so that the summary on stdout stands alone.
 * Off under {@code flink run}, with {@code --quiet}, and when stderr is not a terminal (a file or a pipe would
 * collect every refresh).
 *
 * <p>It must never fail or slow the job: it reads on a daemon thread of its own, and the first error ends the line
 * for the run, leaving one line in the log.
 */
final class ProgressReporter implements AutoCloseable {
  static final Duration INTERVAL = Duration.ofSeconds(2);
  private static final int DEFAULT_WIDTH = 80;
  private static final Logger LOG = LoggerFactory.getLogger(ProgressReporter.class);

  /** Test hook: when set, the line is on whether stderr is a terminal or not, and goes to this stream instead. */
  static volatile Forced forced;

  /** Where a forced line goes and how often it is refreshed; it is never cut to a width. */
  record Forced(PrintStream stream, Duration interval) {}

  private final ProgressMetrics metrics;
  private final PrintStream stream;
  private final Duration interval;
  private final int width;
  private ScheduledExecutorService poller;
  private long previousEvents;
  private long previousNanos;
  // Guarded by this: the length of the line on the terminal, and whether the line has ended.
  private int shown;
  private boolean ended;

  private ProgressReporter(ProgressMetrics metrics, PrintStream stream, Duration interval, int width) {
    this.metrics = metrics;
    this.stream = stream;
    this.interval = interval;
    this.width = width;
  }

  /** The progress line of a run with {@code args}: on or off by the rules of {@link #enabled}. */
  static ProgressReporter forRun(ParsedArgs args) {
    Forced force = forced;
    boolean local = StreamExecutionEnvironment.areExplicitEnvironmentsAllowed();
    if (!enabled(local, args.flag("quiet"), force != null || stderrIsTerminal())) {
      return new ProgressReporter(null, null, null, 0);
    }
    ProgressMetrics metrics = new ProgressMetrics(UUID.randomUUID().toString());
    return force != null
        ? new ProgressReporter(metrics, force.stream(), force.interval(), Integer.MAX_VALUE)
        : new ProgressReporter(metrics, System.err, INTERVAL, terminalWidth() - 1);
  }

  /** On for a local run (an embedded MiniCluster) on a terminal, unless {@code --quiet}. */
  static boolean enabled(boolean local, boolean quiet, boolean stderrIsTerminal) {
    return local && !quiet && stderrIsTerminal;
  }

  boolean isOn() {
    return metrics != null;
  }

  /** Adds the metric reporter the line reads to the configuration of the run's MiniCluster, if the line is on. */
  void configure(Configuration conf) {
    if (isOn()) {
      metrics.configure(conf);
    }
  }

  /** Starts refreshing the line; {@link #close} ends it. */
  ProgressReporter start() {
    if (isOn()) {
      previousNanos = System.nanoTime();
      poller =
          Executors.newSingleThreadScheduledExecutor(
              task -> {
                Thread thread = new Thread(task, "streamsketch-progress");
                thread.setDaemon(true);
                return thread;
              });
      poller.scheduleWithFixedDelay(this::refresh, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }
    return this;
  }

  private void refresh() {
    try {
      ProgressLine.Sample sample = metrics.read();
      long now = System.nanoTime();
      long events = sample.events() - previousEvents;
      // A restarted subtask counts again from its checkpoint: no rate across that.
      Double rate = events >= 0 ? events * 1e9 / (now - previousNanos) : null;
      previousEvents = sample.events();
      previousNanos = now;
      show(ProgressLine.format(sample, rate, width));
    } catch (RuntimeException | Error e) {
      end("progress line stopped: " + e);
    }
  }

  private synchronized void show(String line) {
    if (ended) {
      return;
    }
    stream.print("\r" + line + " ".repeat(Math.max(0, shown - line.length())));
    stream.flush();
    shown = line.length();
    if (stream.checkError()) {
      end("progress line stopped: stderr refused it");
    }
  }

  /** Clears the line for good; {@code note}, if any, goes to the log. */
  private synchronized void end(String note) {
    if (ended) {
      return;
    }
    ended = true;
    if (shown > 0) {
      stream.print("\r" + " ".repeat(shown) + "\r");
      stream.flush();
    }
    if (note != null) {
      LOG.warn(note);
      poller.shutdown();
    }
  }

  /** Stops refreshing and clears the line. */
  @Override
  public void close() {
    if (!isOn()) {
      return;
    }
    poller.shutdownNow();
    try {
      poller.awaitTermination(1, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    end(null);
    metrics.release();
  }

  /** Whether stderr is a terminal: on Linux from the device it is open on, elsewhere as {@link System#console}. */
  static boolean stderrIsTerminal() {
    try {
      return isTerminalDevice(Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString());
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      // No /proc: a console means stdin and stdout are terminals, and stderr is then too unless redirected alone.
      return System.console() != null;
    }
  }

  static boolean isTerminalDevice(String device) {
    return device.startsWith("/dev/pts/") || device.startsWith("/dev/tty") || device.equals("/dev/console");
  }

  /** The terminal's width: {@code COLUMNS} if exported, else what {@code stty size} says, else 80. */
  private static int terminalWidth() {
    Integer columns = columns(System.getenv("COLUMNS"));
    if (columns != null) {
      return columns;
    }
    try {
      Process stty =
          new ProcessBuilder("stty", "size")
              .redirectInput(new File("/dev/tty"))
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (!stty.waitFor(1, TimeUnit.SECONDS)) {
        stty.destroy();
        return DEFAULT_WIDTH;
      }
      // "rows columns"
      String[] size = new String(stty.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim().split(" ");
      columns = size.length == 2 ? columns(size[1]) : null;
      return columns != null ? columns : DEFAULT_WIDTH;
    } catch (IOException e) {
      return DEFAULT_WIDTH;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return DEFAULT_WIDTH;
    }
  }

  /** A terminal width from text, if it is a plausible one. */
  static Integer columns(String text) {
    if (text == null || !text.matches("\\d{2,4}")) {
      return null;
    }
    int columns = Integer.parseInt(text);
    return columns >= 20 ? columns : null;
  }
}
