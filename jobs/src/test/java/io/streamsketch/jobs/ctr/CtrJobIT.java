package io.streamsketch.jobs.ctr;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsketch.flink.io.ClickEventParser;
import io.streamsketch.flink.io.MalformedEventException;
import io.streamsketch.generator.ClickstreamText;
import io.streamsketch.generator.GeneratorConfig;
import io.streamsketch.jobs.StreamSketchCli;
import io.streamsketch.jobs.testing.OutputFiles;
import io.streamsketch.model.AdCtr;
import io.streamsketch.model.ClickEvent;
import io.streamsketch.model.EventKind;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
 * Runs {@code ctr} through the CLI at parallelism 2 on a generated file with late events, plus hand-made events at
 * the end for the edges (two impressions sharing two clicks, a click exactly at the end of the interval, one just
 * after it, a click with no impression), and checks every output against an exact computation over the same lines.
 */
class CtrJobIT {
  @RegisterExtension
  static final MiniClusterExtension CLUSTER =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

  private static final long SECOND = 1_000;
  private static final long MINUTE = 60 * SECOND;
  private static final long HOUR = 60 * MINUTE;
  private static final long CLICK_WITHIN = 10 * MINUTE;
  private static final GeneratorConfig CONFIG =
      GeneratorConfig.defaults()
          .withEvents(40_000)
          .withSeed(5)
          .withUsersAndPages(500, 100)
          .withDisorder(5_000, 0.005, 0);

  @TempDir static Path dir;

  static List<ClickEvent> adEvents;
  static Set<Long> injectedLate;
  static Path output;
  static String summary;

  @BeforeAll
  static void runJob() throws Exception {
    Path input = dir.resolve("events.jsonl");
    try (Writer out = Files.newBufferedWriter(input)) {
      ClickstreamText.writeEvents(CONFIG, out);
    }
    long end = 0;
    for (String line : Files.readAllLines(input)) {
      end = Math.max(end, ClickEventParser.parse(line).eventTime);
    }
    long t = end - 20 * SECOND;
    List<ClickEvent> edges =
        List.of(
            event(1, "u-shared", EventKind.AD_IMPRESSION, t),
            event(2, "u-shared", EventKind.AD_IMPRESSION, t + 30 * SECOND),
            event(3, "u-shared", EventKind.AD_CLICK, t + MINUTE),
            event(4, "u-shared", EventKind.AD_CLICK, t + 2 * MINUTE),
            event(5, "u-orphan", EventKind.AD_CLICK, t + 3 * MINUTE),
            event(6, "u-edge", EventKind.AD_IMPRESSION, t + 4 * MINUTE),
            event(7, "u-late-click", EventKind.AD_IMPRESSION, t + 4 * MINUTE),
            event(8, "u-edge", EventKind.AD_CLICK, t + 4 * MINUTE + CLICK_WITHIN),
            event(9, "u-late-click", EventKind.AD_CLICK, t + 4 * MINUTE + CLICK_WITHIN + 1));
    Files.write(input, edges.stream().map(ClickEvent::toJson).toList(), StandardOpenOption.APPEND);

    adEvents = new ArrayList<>();
    injectedLate = new HashSet<>();
    long maxSoFar = Long.MIN_VALUE;
    for (String line : Files.readAllLines(input)) {
      ClickEvent event;
      try {
        event = ClickEventParser.parse(line);
      } catch (MalformedEventException e) {
        throw new AssertionError(e);
      }
      if (event.kind != EventKind.VIEW) {
        adEvents.add(event);
        // The generator's late events are 1 to 2 hours behind the stream; every other event at most 5 seconds.
        if (event.eventTime < maxSoFar - 30 * MINUTE) {
          injectedLate.add(event.eventId);
        }
      }
      maxSoFar = Math.max(maxSoFar, event.eventTime);
    }

    output = dir.resolve("out");
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    int status =
        StreamSketchCli.run(
            new String[] {"ctr", "--input", input.toString(), "--output", output.toString(), "--parallelism", "2"},
            new PrintStream(stdout, true, StandardCharsets.UTF_8),
            System.err);
    summary = stdout.toString(StandardCharsets.UTF_8);
    assertThat(status).as(summary).isZero();
  }

  private static ClickEvent event(long n, String user, EventKind kind, long time) {
    return new ClickEvent(100_000_000 + n, user, "p1", kind, "ad-edge", time);
  }

  @Test
  void lateEventsAreTheInjectedLateAdEvents() throws Exception {
    assertThat(lateIds()).isNotEmpty().isEqualTo(injectedLate);
    assertThat(summary).containsPattern("late-events\\s+" + String.format("%,d", injectedLate.size()));
  }

  @Test
  void ctrPerAdPerWindowEqualsTheExactComputation() throws Exception {
    List<ClickEvent> impressions = onTime(EventKind.AD_IMPRESSION);
    List<ClickEvent> clicks = onTime(EventKind.AD_CLICK);
    Map<String, long[]> exact = new HashMap<>();
    for (ClickEvent impression : impressions) {
      long start = impression.eventTime - Math.floorMod(impression.eventTime, HOUR);
      long[] counts = exact.computeIfAbsent(impression.adId + "@" + start, k -> new long[2]);
      counts[0]++;
      if (clicks.stream().anyMatch(click -> matches(impression, click))) {
        counts[1]++;
      }
    }

    Map<String, AdCtr> reported = new HashMap<>();
    for (String line : OutputFiles.lines(output.resolve(CtrJob.AD_CTR))) {
      Map<String, Object> f = OutputFiles.fields(line);
      AdCtr ctr =
          new AdCtr(
              (String) f.get("adId"),
              (Long) f.get("windowStart"),
              (Long) f.get("windowEnd"),
              (Long) f.get("impressions"),
              (Long) f.get("clickedImpressions"));
      assertThat(ctr.windowEnd - ctr.windowStart).isEqualTo(HOUR);
      assertThat((Double) f.get("ctr")).isEqualTo(ctr.ctr);
      assertThat(reported.put(ctr.adId + "@" + ctr.windowStart, ctr)).as("one result per ad and window").isNull();
    }
    assertThat(reported.keySet()).isEqualTo(exact.keySet());
    exact.forEach(
        (window, counts) -> {
          assertThat(reported.get(window).impressions).as("impressions of %s", window).isEqualTo(counts[0]);
          assertThat(reported.get(window).clickedImpressions)
              .as("clicked impressions of %s", window)
              .isEqualTo(counts[1]);
        });
    assertThat(reported.values().stream().mapToLong(r -> r.clickedImpressions).sum()).isPositive();
  }

  @Test
  void clicksWithoutAnImpressionWithinTheIntervalAreCounted() throws Exception {
    List<ClickEvent> impressions = onTime(EventKind.AD_IMPRESSION);
    Set<Long> exact = new HashSet<>();
    for (ClickEvent click : onTime(EventKind.AD_CLICK)) {
      if (impressions.stream().noneMatch(impression -> matches(impression, click))) {
        exact.add(click.eventId);
      }
    }
    Set<Long> reported = new HashSet<>();
    for (String line : OutputFiles.lines(output.resolve(CtrJob.UNMATCHED_CLICKS))) {
      assertThat(reported.add(ClickEventParser.parse(line).eventId)).as("each click once").isTrue();
    }
    assertThat(reported).isEqualTo(exact).contains(100_000_005L, 100_000_009L).doesNotContain(100_000_008L);
    assertThat(summary).containsPattern("unmatched-clicks\\s+" + String.format("%,d", exact.size()));
  }

  /** The interval join's condition: same user and ad, the click within [0, 10 min] after the impression. */
  private static boolean matches(ClickEvent impression, ClickEvent click) {
    return impression.userId.equals(click.userId)
        && impression.adId.equals(click.adId)
        && click.eventTime >= impression.eventTime
        && click.eventTime <= impression.eventTime + CLICK_WITHIN;
  }

  private static List<ClickEvent> onTime(EventKind kind) throws Exception {
    Set<Long> late = lateIds();
    return adEvents.stream().filter(e -> e.kind == kind && !late.contains(e.eventId)).toList();
  }

  private static Set<Long> lateIds() throws Exception {
    Set<Long> ids = new HashSet<>();
    for (String line : OutputFiles.lines(output.resolve(CtrJob.LATE_EVENTS))) {
      ids.add(ClickEventParser.parse(line).eventId);
    }
    return ids;
  }
}
