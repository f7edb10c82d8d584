package io.streamsketch.jobs.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsketch.jobs.StreamSketchCli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The progress line of a real local run, forced on (a test's stderr is no terminal) into a captured stream: its
 * values come from the MiniCluster's metrics as the job runs. The generator's rate makes the run last at least 10 s,
 * so several refreshes and checkpoints fall into it; nothing here depends on how long anything takes.
 */
class ProgressReporterIT {
  private static final Pattern EVENTS = Pattern.compile("^events ([\\d,]+)");
  private static final Pattern CHECKPOINTS = Pattern.compile("\\| checkpoints (\\d+)");

  @TempDir Path dir;

  @AfterEach
  void unforce() {
    ProgressReporter.forced = null;
  }

  @Test
  void theLineShowsTheRunsGrowingEventCountItsCheckpointsAndOutputsAndIsClearedBeforeTheSummary() throws Exception {
    Path conf = Files.createDirectories(dir.resolve("conf"));
    Files.writeString(
        conf.resolve("config.yaml"),
        String.join(
            "\n",
            "taskmanager.numberOfTaskSlots: 2",
            "parallelism.default: 2",
            "state.backend.type: hashmap",
            "execution.checkpointing.interval: 500 ms",
            "restart-strategy.type: none",
            ""));
    ByteArrayOutputStream progress = new ByteArrayOutputStream();
    ProgressReporter.forced =
        new ProgressReporter.Forced(new PrintStream(progress, true, StandardCharsets.UTF_8), Duration.ofMillis(200));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    int status =
        StreamSketchCli.run(
            new String[] {
              "windowed-counts", "--conf-dir", conf.toString(), "--checkpoint-dir", dir.resolve("checkpoints").toString(),
              "--events", "30000", "--rate", "3000"
            },
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));

    String stdout = out.toString(StandardCharsets.UTF_8);
    assertThat(status).as(err.toString(StandardCharsets.UTF_8)).isZero();
    assertThat(stdout).startsWith("windowed-counts finished in").containsPattern("events +30,000").doesNotContain("\r");
    String text = progress.toString(StandardCharsets.UTF_8);
    assertThat(text).doesNotContain("\n").endsWith("\r");
    List<String> lines = Arrays.stream(text.split("\r")).map(String::strip).toList();
    assertThat(lines.get(lines.size() - 1)).as("the line is cleared at the end").isEmpty();
    List<String> shown = lines.stream().filter(line -> !line.isEmpty()).toList();

    List<Long> events = shown.stream().map(line -> number(EVENTS, line)).toList();
    assertThat(events).as(text).isSorted();
    assertThat(events.stream().filter(count -> count > 0).distinct().count())
        .as("the count grows while the job runs: %s", events)
        .isGreaterThanOrEqualTo(2);
    assertThat(events.get(events.size() - 1)).isLessThanOrEqualTo(30_000);

    List<Long> checkpoints =
        shown.stream().filter(line -> CHECKPOINTS.matcher(line).find()).map(line -> number(CHECKPOINTS, line)).toList();
    assertThat(checkpoints).as(text).isSorted().isNotEmpty();
    assertThat(checkpoints.get(checkpoints.size() - 1)).as("checkpoints completed during the run").isPositive();
    assertThat(shown)
        .as("the watermark and the outputs")
        .anySatisfy(line -> assertThat(line).contains(" | watermark 20", " | tumbling-counts "));
  }

  private static long number(Pattern pattern, String line) {
    Matcher matcher = pattern.matcher(line);
    assertThat(matcher.find()).as(line).isTrue();
    return Long.parseLong(matcher.group(1).replace(",", ""));
  }
}
