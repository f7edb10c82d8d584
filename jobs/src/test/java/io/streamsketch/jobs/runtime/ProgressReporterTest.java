package io.streamsketch.jobs.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsketch.jobs.cli.OptionSet;
import io.streamsketch.jobs.cli.ParsedArgs;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import io.streamsketch.jobs.testing.Await;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.runtime.metrics.MetricNames;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** When the progress line is on, and that it is cleared; what it shows is {@link ProgressLineTest}'s. */
class ProgressReporterTest {
  private static ParsedArgs args(String... options) {
    return new OptionSet().addAll(CommonOptions.RUNTIME).parse("test", options);
  }

  @AfterEach
  void unforce() {
    ProgressReporter.forced = null;
  }

  @Test
  void onOnlyForALocalRunOnATerminalWithoutQuiet() {
    assertThat(ProgressReporter.enabled(true, false, true)).isTrue();
    assertThat(ProgressReporter.enabled(true, true, true)).as("--quiet").isFalse();
    assertThat(ProgressReporter.enabled(true, false, false)).as("stderr is a file or a pipe").isFalse();
    assertThat(ProgressReporter.enabled(false, false, true)).as("flink run: no embedded MiniCluster").isFalse();
  }

  @Test
  void terminalsAreTheDevicesOfTerminalsOnly() {
    assertThat(ProgressReporter.isTerminalDevice("/dev/pts/3")).isTrue();
    assertThat(ProgressReporter.isTerminalDevice("/dev/tty1")).isTrue();
    assertThat(ProgressReporter.isTerminalDevice("/dev/console")).isTrue();
    assertThat(ProgressReporter.isTerminalDevice("pipe:[81920]")).isFalse();
    assertThat(ProgressReporter.isTerminalDevice("/tmp/run.log")).isFalse();
    assertThat(ProgressReporter.isTerminalDevice("/dev/null")).isFalse();
  }

  @Test
  void aTestsStderrIsNoTerminalSoItsRunsShowNoLine() {
    // Surefire's and the IDE's stderr are pipes; a test run from a terminal with -DforkCount=0 would see it on.
    assertThat(ProgressReporter.forRun(args()).isOn()).isEqualTo(ProgressReporter.stderrIsTerminal());
  }

  @Test
  void quietWinsOverAForcedLineAndAnOffLineAddsNoReporter() {
    ProgressReporter.forced = new ProgressReporter.Forced(System.err, Duration.ofSeconds(1));
    ProgressReporter quiet = ProgressReporter.forRun(args("--quiet"));
    assertThat(quiet.isOn()).isFalse();
    Configuration conf = new Configuration();
    quiet.configure(conf);
    assertThat(conf.toMap()).isEmpty();
    quiet.start().close();
  }

  @Test
  void aForcedLineAddsItsReporterAndLeavesNothingOnTheStreamWhenClosed() {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    ProgressReporter.forced =
        new ProgressReporter.Forced(new PrintStream(captured, true, StandardCharsets.UTF_8), Duration.ofHours(1));
    ProgressReporter progress = ProgressReporter.forRun(args());
    assertThat(progress.isOn()).isTrue();
    Configuration conf = new Configuration();
    progress.configure(conf);
    assertThat(conf.toMap())
        .containsEntry(
            "metrics.reporter.streamsketch-progress.factory.class", ProgressMetrics.Factory.class.getName());
    progress.start().close();
    assertThat(captured.toString(StandardCharsets.UTF_8)).as("no refresh came before the close").isEmpty();
  }

  /** A forced line refreshed every few milliseconds, and the reporter Flink would feed with the run's metrics. */
  private record ForcedLine(ByteArrayOutputStream captured, ProgressReporter progress, MetricReporter reporter) {
    static ForcedLine create() {
      ByteArrayOutputStream captured = new ByteArrayOutputStream();
      ProgressReporter.forced =
          new ProgressReporter.Forced(new PrintStream(captured, true, StandardCharsets.UTF_8), Duration.ofMillis(5));
      ProgressReporter progress = ProgressReporter.forRun(args());
      Configuration conf = new Configuration();
      progress.configure(conf);
      return new ForcedLine(captured, progress, ProgressMetricsTest.reporterOf(conf));
    }

    String text() {
      return captured.toString(StandardCharsets.UTF_8);
    }
  }

  @Test
  void eachRefreshRewritesTheLineInPlaceAndCloseClearsIt() {
    ForcedLine line = ForcedLine.create();
    SimpleCounter events = new SimpleCounter();
    line.reporter().notifyOfAddedMetric(events, "events", ProgressMetricsTest.operator("e", "count-events", 0, 0));
    line.progress().start();
    events.inc(2_000_000);
    Await.until(() -> line.text().contains("\revents 2,000,000 ("), "line with the count");
    events.inc(5);
    Await.until(() -> line.text().contains("\revents 2,000,005 ("), "line with the new count");
    line.progress().close();

    String text = line.text();
    assertThat(text).doesNotContain("\n").startsWith("\revents ").endsWith("\r");
    String[] lines = text.split("\r");
    String last = lines[lines.length - 2].stripTrailing();
    assertThat(last).startsWith("events 2,000,005 (");
    assertThat(lines[lines.length - 1]).as("the last line overwritten with blanks").isBlank().hasSize(last.length());
  }

  @Test
  void anErrorReadingTheMetricsEndsTheLineForTheRun() {
    ForcedLine line = ForcedLine.create();
    AtomicBoolean broken = new AtomicBoolean();
    Gauge<Long> watermark =
        () -> {
          if (broken.get()) {
            throw new IllegalStateException("gone");
          }
          return 1_000L;
        };
    line.reporter().notifyOfAddedMetric(
        watermark, MetricNames.IO_CURRENT_INPUT_WATERMARK, ProgressMetricsTest.operator("w", "windows", 0, 0));
    line.progress().start();
    Await.until(() -> line.text().contains("watermark 1970-01-01 00:00:01"), "a line");
    broken.set(true);
    Await.until(() -> line.text().endsWith("\r"), "the line cleared");
    String cleared = line.text();
    line.progress().close();
    assertThat(line.text()).as("nothing more after the line ended").isEqualTo(cleared);
  }

  @Test
  void widthsComeFromPlausibleColumnCountsOnly() {
    assertThat(ProgressReporter.columns("120")).isEqualTo(120);
    assertThat(ProgressReporter.columns(null)).isNull();
    assertThat(ProgressReporter.columns("")).isNull();
    assertThat(ProgressReporter.columns("wide")).isNull();
    assertThat(ProgressReporter.columns("12")).as("too narrow for any line").isNull();
  }
}
