package io.streamsketch.jobs.windowedcounts;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsketch.flink.io.ClickEventParser;
import io.streamsketch.flink.io.MalformedEventException;
import io.streamsketch.generator.ClickstreamText;
import io.streamsketch.generator.GeneratorConfig;
import io.streamsketch.jobs.StreamSketchCli;
import io.streamsketch.jobs.runtime.OutputFolders;
import io.streamsketch.jobs.testing.OutputFiles;
import io.streamsketch.model.ClickEvent;
import io.streamsketch.model.EventKind;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@code windowed-counts} through the CLI at parallelism 2 on a generated file with late and malformed lines,
 * and checks every output against an exact computation over the same lines.
 */
class WindowedCountsJobIT {
  @RegisterExtension
  static final MiniClusterExtension CLUSTER =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

  private static final long MINUTE = 60_000;
  private static final GeneratorConfig CONFIG =
      GeneratorConfig.defaults()
          .withEvents(40_000)
          .withSeed(7)
          .withUsersAndPages(1_000, 200)
          .withDisorder(5_000, 0.005, 0.005);

  @TempDir static Path dir;

  static ClickstreamText.Counts injected;
  static List<String> inputLines;
  static Path output;
  static String summary;

  @BeforeAll
  static void runJob() throws Exception {
    Path input = dir.resolve("events.jsonl");
    try (Writer out = Files.newBufferedWriter(input)) {
      injected = ClickstreamText.writeEvents(CONFIG, out);
    }
    inputLines = Files.readAllLines(input);
    output = dir.resolve("out");
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    int status =
        StreamSketchCli.run(
            new String[] {
              "windowed-counts", "--input", input.toString(), "--output", output.toString(), "--parallelism", "2"
            },
            new PrintStream(stdout, true, StandardCharsets.UTF_8),
            System.err);
    summary = stdout.toString(StandardCharsets.UTF_8);
    assertThat(status).as(summary).isZero();
  }

  @Test
  void deadLettersAreTheMalformedLinesWithAReason() throws Exception {
    List<String> deadLetters = OutputFiles.lines(output.resolve(OutputFolders.DEAD_LETTERS));
    assertThat(deadLetters).hasSize((int) injected.malformedLines()).isNotEmpty();
    for (String deadLetter : deadLetters) {
      Map<String, Object> fields = OutputFiles.fields(deadLetter);
      assertThat((String) fields.get("reason")).isNotBlank();
      assertThat(inputLines).contains((String) fields.get("line"));
    }
    assertThat(summary).containsPattern("dead-letters\\s+" + String.format("%,d", injected.malformedLines()));
  }

  @Test
  void tumblingWindowsPlusLateEventsEqualTheExactCounts() throws Exception {
    checkWindows(WindowedCountsJob.TUMBLING, WindowedCountsJob.LATE_TUMBLING, MINUTE, MINUTE);
  }

  @Test
  void slidingWindowsPlusLateEventsEqualTheExactCounts() throws Exception {
    checkWindows(WindowedCountsJob.SLIDING, WindowedCountsJob.LATE_SLIDING, 10 * MINUTE, 5 * MINUTE);
  }

  private void checkWindows(String resultsName, String lateName, long size, long slide) throws Exception {
    List<ClickEvent> views = validViews();

    // The generator's late events are 1 to 2 hours behind the stream; every other event at most 5 seconds.
    Set<Long> injectedLate = new HashSet<>();
    long maxSoFar = Long.MIN_VALUE;
    for (ClickEvent view : views) {
      if (maxSoFar != Long.MIN_VALUE && view.eventTime < maxSoFar - 30 * MINUTE) {
        injectedLate.add(view.eventId);
      }
      maxSoFar = Math.max(maxSoFar, view.eventTime);
    }

    Map<String, Long> exact = new HashMap<>();
    Map<String, Long> lateRouted = new HashMap<>();
    Set<Long> lateIds = new HashSet<>();
    for (String line : OutputFiles.lines(output.resolve(lateName))) {
      lateIds.add(ClickEventParser.parse(line).eventId);
    }
    for (ClickEvent view : views) {
      for (long start = view.eventTime - Math.floorMod(view.eventTime, slide);
          start > view.eventTime - size;
          start -= slide) {
        String window = view.pageId + "@" + start + "-" + (start + size);
        exact.merge(window, 1L, Long::sum);
        if (lateIds.contains(view.eventId)) {
          lateRouted.merge(window, 1L, Long::sum);
        }
      }
    }
    assertThat(lateIds).as("late-routed events are exactly the injected late views").isEqualTo(injectedLate);
    assertThat(injectedLate).isNotEmpty();

    Map<String, Long> latest = new HashMap<>();
    Map<String, Long> latestFiring = new HashMap<>();
    long updates = 0;
    for (String line : OutputFiles.lines(output.resolve(resultsName))) {
      Map<String, Object> r = OutputFiles.fields(line);
      String window = r.get("pageId") + "@" + r.get("windowStart") + "-" + r.get("windowEnd");
      long firing = (Long) r.get("firing");
      if (firing > latestFiring.getOrDefault(window, -1L)) {
        latestFiring.put(window, firing);
        latest.put(window, (Long) r.get("views"));
      }
      if (firing > 0) {
        updates++;
      }
    }
    assertThat(updates).as("late events within the allowed lateness update their windows").isPositive();

    for (Map.Entry<String, Long> window : exact.entrySet()) {
      long counted = latest.getOrDefault(window.getKey(), 0L) + lateRouted.getOrDefault(window.getKey(), 0L);
      assertThat(counted).as("views in %s", window.getKey()).isEqualTo(window.getValue());
    }
    assertThat(exact.keySet()).containsAll(latest.keySet());
  }

  private static List<ClickEvent> validViews() {
    return inputLines.stream()
        .map(
            line -> {
              try {
                return ClickEventParser.parse(line);
              } catch (MalformedEventException e) {
                return null;
              }
            })
        .filter(event -> event != null && event.kind == EventKind.VIEW)
        .toList();
  }
}
