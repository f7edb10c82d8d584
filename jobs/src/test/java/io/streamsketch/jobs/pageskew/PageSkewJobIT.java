package io.streamsketch.jobs.pageskew;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsketch.flink.io.ClickEventParser;
import io.streamsketch.generator.ClickstreamGenerator;
import io.streamsketch.generator.GeneratorConfig;
import io.streamsketch.jobs.testing.GeneratedRuns;
import io.streamsketch.jobs.testing.OutputFiles;
import io.streamsketch.model.ClickEvent;
import io.streamsketch.model.EventKind;
import io.streamsketch.sketch.moments.AmsSketch;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@code page-skew --verify} at parallelism 2 on the generator, and checks each window against the exact views
 * per page of the views the job did not route to its late output: the exact F2 it reports, its estimate (equal to a
 * single-pass sketch of the window's views: the merge of the subtasks' partials is exact), and the (ε, δ) guarantee
 * over the windows.
 */
class PageSkewJobIT {
  @RegisterExtension
  static final MiniClusterExtension CLUSTER =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

  private static final GeneratorConfig CONFIG =
      GeneratorConfig.defaults().withEvents(60_000).withSeed(13).withUsersAndPages(3_000, 100).withDisorder(5_000, 0.005, 0);

  /** About 80 windows (the 60,000 events span about 2.5 hours of event time). */
  private static final long WINDOW = 120_000;
  /** 256 counters per group, 6 groups: δ = (7/16)³ = 0.084. */
  private static final double EPSILON = 0.25;
  private static final double DELTA = 0.1;

  @TempDir static Path dir;
  static Path verified;

  @BeforeAll
  static void runJob() throws Exception {
    verified = dir.resolve("verified");
    GeneratedRuns.run(
        PageSkewJob.NAME, CONFIG, verified, "--verify", "--window", WINDOW + "ms", "--epsilon", Double.toString(EPSILON),
        "--delta", Double.toString(DELTA));
  }

  /** Per window start, the pages of its views in arrival order, without the views the job found late. */
  static Map<Long, List<String>> acceptedViews(Path output) throws Exception {
    Set<Long> late = new HashSet<>();
    for (String line : OutputFiles.lines(output.resolve(PageSkewJob.LATE_EVENTS))) {
      late.add(ClickEventParser.parse(line).eventId);
    }
    assertThat(late).as("the generator's held-back events are late").isNotEmpty();
    Map<Long, List<String>> windows = new TreeMap<>();
    ClickstreamGenerator events = new ClickstreamGenerator(CONFIG);
    while (events.hasNext()) {
      ClickEvent event = events.next();
      if (event.kind == EventKind.VIEW && !late.contains(event.eventId)) {
        windows.computeIfAbsent(event.eventTime - Math.floorMod(event.eventTime, WINDOW), w -> new ArrayList<>()).add(event.pageId);
      }
    }
    return windows;
  }

  static Map<Long, Map<String, Object>> finalRecords(Path output) throws Exception {
    for (String line : OutputFiles.lines(output.resolve(PageSkewJob.SKEW))) {
      assertThat(OutputFiles.fields(line)).as(line).containsKey("exactF2");
    }
    Map<Long, Map<String, Object>> records = new TreeMap<>();
    GeneratedRuns.highestFirings(output.resolve(PageSkewJob.SKEW), WINDOW, r -> r.get("windowStart").toString())
        .forEach((start, line) -> records.put(Long.parseLong(start), OutputFiles.fields(line)));
    return records;
  }

  /**
   * Each window's views and exact F2 are exact and its estimate is the single-pass sketch's. Each window misses
   * |estimate − F2| ≤ ε·F2 with probability at most δ = 0.084; with at most 100 windows, more than 18 misses has
   * probability below 0.001 (binomial tail, n = 100, p = 0.084: 0.00059), the significance level of this test.
   */
  @Test
  void estimatesAreTheSinglePassSketchesAndHoldTheirBoundInOneMinusDeltaOfTheWindows() throws Exception {
    Map<Long, List<String>> views = acceptedViews(verified);
    Map<Long, Map<String, Object>> records = finalRecords(verified);
    assertThat(records.keySet()).isEqualTo(views.keySet());
    assertThat(views).hasSizeBetween(40, 100);
    int misses = 0;
    for (Map.Entry<Long, List<String>> window : views.entrySet()) {
      Map<String, Long> counts = new HashMap<>();
      AmsSketch singlePass = AmsSketch.create(EPSILON, DELTA, PageSkewJob.SEED);
      for (String page : window.getValue()) {
        counts.merge(page, 1L, Long::sum);
        singlePass.update(page, 1);
      }
      long exactF2 = counts.values().stream().mapToLong(c -> c * c).sum();
      Map<String, Object> r = records.get(window.getKey());
      assertThat(r.get("views")).as("views of %s", window.getKey()).isEqualTo((long) window.getValue().size());
      assertThat(r.get("exactF2")).as("exact F2 of %s", window.getKey()).isEqualTo(exactF2);
      double estimate = ((Number) r.get("f2Estimate")).doubleValue();
      assertThat(estimate).as("estimate of %s", window.getKey()).isEqualTo(singlePass.estimate());
      assertThat((Double) r.get("epsilon")).isEqualTo(singlePass.epsilon()).isLessThanOrEqualTo(EPSILON);
      assertThat((Double) r.get("delta")).isEqualTo(singlePass.delta()).isLessThanOrEqualTo(DELTA);
      assertThat(((Number) r.get("f2Lower")).doubleValue()).isLessThanOrEqualTo(estimate);
      assertThat(((Number) r.get("f2Upper")).doubleValue()).isGreaterThanOrEqualTo(estimate);
      if (Math.abs(estimate - exactF2) > singlePass.epsilon() * exactF2) {
        misses++;
      }
    }
    assertThat(misses).as("windows outside (1 ± ε)·F2 of %d", views.size()).isLessThanOrEqualTo(18);
    assertThat(OutputFiles.lines(verified.resolve(PageSkewJob.LATE_PARTIALS))).isEmpty();
  }
}
