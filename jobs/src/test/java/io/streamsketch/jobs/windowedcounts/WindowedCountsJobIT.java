package io.streamsketch.jobs.windowedcounts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

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
import java.util.ArrayList;
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
 * and checks every output against an exact computation over the same lines: for every (page, window), the standing
 * count plus the late records for that window is the exact count. Also runs the three lines of issue 8, item 1, at
 * parallelism 1.
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

  private static final WindowKind TUMBLING =
      new WindowKind(WindowedCountsJob.TUMBLING, WindowedCountsJob.LATE_TUMBLING, false, MINUTE, MINUTE);
  private static final WindowKind SLIDING =
      new WindowKind(WindowedCountsJob.SLIDING, WindowedCountsJob.LATE_SLIDING, true, 10 * MINUTE, 5 * MINUTE);

  /** A window kind's outputs and windows (the defaults); late records of overlapping windows name their window. */
  private record WindowKind(String results, String late, boolean lateRecordsNameTheirWindow, long size, long slide) {}

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
    checkGeneratedRun(TUMBLING);
  }

  @Test
  void slidingWindowsPlusTheirLateRecordsEqualTheExactCounts() throws Exception {
    checkGeneratedRun(SLIDING);
  }

  private static void checkGeneratedRun(WindowKind kind) throws Exception {
    List<ClickEvent> views = validViews(inputLines);
    Set<Long> lateIds = checkWindows(views, output, kind);
    // Exact at parallelism 2: one source subtask reads the file in line order, so lateness does not depend on timing.
    assertThat(lateIds).as("late-routed events are exactly the injected late views").isEqualTo(injectedLate(views));
    assertThat(lateIds).isNotEmpty();
    assertThat(updates(output.resolve(kind.results())))
        .as("late events within the allowed lateness update their windows")
        .isPositive();
  }

  /**
   * Issue 8, item 1, at parallelism 1 (T = 2024-01-01T00:00Z): after views at T+290 s and T+370 s the watermark is
   * T+368 s - 1 ms, so a view of p1 at T+295 s is past the lateness of its older sliding window [T-5 min, T+5 min)
   * (cleanup at T+6 min - 1 ms) but on time for [T, T+10 min). It must be counted in the newer window and written
   * to {@code late-sliding} for the older one, whose standing count is then 1 of the true 2.
   */
  @Test
  void aViewLateForItsOlderSlidingWindowOnlyIsWrittenLateForThatWindow() throws Exception {
    long t = 1_704_067_200_000L;
    List<String> lines =
        """
        {"eventId":1,"userId":"u1","pageId":"p1","kind":"VIEW","adId":null,"eventTime":1704067490000}
        {"eventId":2,"userId":"u2","pageId":"p2","kind":"VIEW","adId":null,"eventTime":1704067570000}
        {"eventId":3,"userId":"u3","pageId":"p1","kind":"VIEW","adId":null,"eventTime":1704067495000}
        """
            .lines()
            .toList();
    Path runDir = Files.createDirectories(dir.resolve("issue-8-item-1"));
    Path input = Files.write(runDir.resolve("events.jsonl"), lines);
    Path out = runDir.resolve("out");
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    int status =
        StreamSketchCli.run(
            new String[] {
              "windowed-counts", "--input", input.toString(), "--output", out.toString(), "--parallelism", "1"
            },
            new PrintStream(stdout, true, StandardCharsets.UTF_8),
            System.err);
    assertThat(status).as(stdout.toString(StandardCharsets.UTF_8)).isZero();

    List<Map<String, Object>> lateSliding =
        OutputFiles.lines(out.resolve(WindowedCountsJob.LATE_SLIDING)).stream().map(OutputFiles::fields).toList();
    assertThat(lateSliding)
        .extracting(r -> r.get("eventId"), r -> r.get("windowStart"), r -> r.get("windowEnd"))
        .containsExactly(tuple(3L, t - 5 * MINUTE, t + 5 * MINUTE));
    assertThat(standingCounts(out.resolve(WindowedCountsJob.SLIDING)))
        .containsEntry("p1@" + (t - 5 * MINUTE) + "-" + (t + 5 * MINUTE), 1L)
        .containsEntry("p1@" + t + "-" + (t + 10 * MINUTE), 2L);
    List<ClickEvent> views = validViews(lines);
    assertThat(checkWindows(views, out, SLIDING)).containsExactly(3L);
    assertThat(checkWindows(views, out, TUMBLING)).containsExactly(3L);
  }

  /**
   * Checks that for every (page, window) of the views, the standing count (highest firing) plus the late records for
   * that window equals the exact count, that no (event, window) pair is written late twice, and that no window has a
   * count it should not; returns the ids of the late-written events.
   */
  private static Set<Long> checkWindows(List<ClickEvent> views, Path out, WindowKind kind) throws Exception {
    long size = kind.size();
    long slide = kind.slide();
    Map<String, Long> exact = new HashMap<>();
    for (ClickEvent view : views) {
      for (long start : windowStarts(view.eventTime, size, slide)) {
        exact.merge(window(view.pageId, start, start + size), 1L, Long::sum);
      }
    }

    Map<String, Long> lateRouted = new HashMap<>();
    Set<String> latePairs = new HashSet<>();
    Set<Long> lateIds = new HashSet<>();
    for (String line : OutputFiles.lines(out.resolve(kind.late()))) {
      ClickEvent event = ClickEventParser.parse(line);
      lateIds.add(event.eventId);
      long start;
      if (kind.lateRecordsNameTheirWindow()) {
        Map<String, Object> fields = OutputFiles.fields(line);
        start = (Long) fields.get("windowStart");
        assertThat((Long) fields.get("windowEnd")).as(line).isEqualTo(start + size);
        assertThat(windowStarts(event.eventTime, size, slide)).as("a window of the event: %s", line).contains(start);
      } else {
        start = event.eventTime - Math.floorMod(event.eventTime, size);
      }
      String window = window(event.pageId, start, start + size);
      assertThat(latePairs.add(event.eventId + "@" + window)).as("written late once: %s", line).isTrue();
      lateRouted.merge(window, 1L, Long::sum);
    }

    Map<String, Long> standing = standingCounts(out.resolve(kind.results()));
    for (Map.Entry<String, Long> window : exact.entrySet()) {
      long counted = standing.getOrDefault(window.getKey(), 0L) + lateRouted.getOrDefault(window.getKey(), 0L);
      assertThat(counted).as("views in %s", window.getKey()).isEqualTo(window.getValue());
    }
    assertThat(exact.keySet()).containsAll(standing.keySet());
    return lateIds;
  }

  /** The starts of the windows of {@code size} every {@code slide} that contain {@code time}. */
  private static List<Long> windowStarts(long time, long size, long slide) {
    List<Long> starts = new ArrayList<>();
    for (long start = time - Math.floorMod(time, slide); start > time - size; start -= slide) {
      starts.add(start);
    }
    return starts;
  }

  private static String window(String pageId, long start, long end) {
    return pageId + "@" + start + "-" + end;
  }

  /** The views of the record with the highest firing of each (page, window). */
  private static Map<String, Long> standingCounts(Path results) throws Exception {
    Map<String, Long> latest = new HashMap<>();
    Map<String, Long> latestFiring = new HashMap<>();
    for (String line : OutputFiles.lines(results)) {
      Map<String, Object> r = OutputFiles.fields(line);
      String window = window((String) r.get("pageId"), (Long) r.get("windowStart"), (Long) r.get("windowEnd"));
      long firing = (Long) r.get("firing");
      if (firing > latestFiring.getOrDefault(window, -1L)) {
        latestFiring.put(window, firing);
        latest.put(window, (Long) r.get("views"));
      }
    }
    return latest;
  }

  private static long updates(Path results) throws Exception {
    return OutputFiles.lines(results).stream()
        .filter(line -> (Long) OutputFiles.fields(line).get("firing") > 0)
        .count();
  }

  /** The generator's late events are 1 to 2 hours behind the stream; every other event at most 5 seconds. */
  private static Set<Long> injectedLate(List<ClickEvent> views) {
    Set<Long> injectedLate = new HashSet<>();
    long maxSoFar = Long.MIN_VALUE;
    for (ClickEvent view : views) {
      if (maxSoFar != Long.MIN_VALUE && view.eventTime < maxSoFar - 30 * MINUTE) {
        injectedLate.add(view.eventId);
      }
      maxSoFar = Math.max(maxSoFar, view.eventTime);
    }
    return injectedLate;
  }

  private static List<ClickEvent> validViews(List<String> lines) {
    return lines.stream()
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
