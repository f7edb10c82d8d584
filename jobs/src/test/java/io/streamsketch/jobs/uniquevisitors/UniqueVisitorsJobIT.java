package io.streamsketch.jobs.uniquevisitors;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsketch.generator.GeneratorConfig;
import io.streamsketch.jobs.testing.GeneratedRuns;
import io.streamsketch.jobs.testing.OutputFiles;
import io.streamsketch.model.ClickEvent;
import io.streamsketch.model.EventKind;
import io.streamsketch.model.UniqueVisitors;
import io.streamsketch.sketch.hll.HyperLogLog;
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
 * Runs {@code unique-visitors} at parallelism 2 on the generator, with sketches, with {@code --exact} and with {@code
 * --verify}, and checks them against an exact computation and a single-pass HyperLogLog over the same views; and once
 * more on traffic with many users, where dozens of windows hold more than 384 distinct users, so their sketches of
 * precision 12 are dense.
 */
class UniqueVisitorsJobIT {
  @RegisterExtension
  static final MiniClusterExtension CLUSTER =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

  private static final GeneratorConfig CONFIG =
      GeneratorConfig.defaults().withEvents(30_000).withSeed(7).withUsersAndPages(2_000, 100).withDisorder(5_000, 0.005, 0);

  /** 50,000 users on 20 pages: 70 (page or "*", minute) windows of more than 384 distinct users, up to 1,896. */
  private static final GeneratorConfig MANY_USERS =
      GeneratorConfig.defaults().withEvents(100_000).withSeed(7).withUsersAndPages(50_000, 20).withDisorder(5_000, 0.005, 0);

  @TempDir static Path dir;

  static Path sketches;
  static Path exact;
  static Path verified;
  static Path dense;

  @BeforeAll
  static void runJobs() throws Exception {
    sketches = dir.resolve("sketches");
    exact = dir.resolve("exact");
    GeneratedRuns.run(UniqueVisitorsJob.NAME, CONFIG, sketches, "--precision", "12");
    GeneratedRuns.run(UniqueVisitorsJob.NAME, CONFIG, exact, "--exact");
    verified = dir.resolve("verified");
    GeneratedRuns.run(UniqueVisitorsJob.NAME, CONFIG, verified, "--precision", "12", "--verify");
    dense = dir.resolve("dense");
    GeneratedRuns.run(UniqueVisitorsJob.NAME, MANY_USERS, dense, "--precision", "12");
  }

  /** Per (page or "*") @ window start: the users of the views that were not routed to the late output. */
  static Map<String, Set<String>> exactUsers(Path output) throws Exception {
    return exactUsers(CONFIG, output);
  }

  static Map<String, Set<String>> exactUsers(GeneratorConfig config, Path output) throws Exception {
    Map<String, Set<String>> users = new HashMap<>();
    GeneratedRuns.acceptedByWindow(config, output.resolve(UniqueVisitorsJob.LATE_EVENTS), e -> e.kind == EventKind.VIEW)
        .forEach(
            (start, views) -> {
              for (ClickEvent view : views) {
                users.computeIfAbsent(view.pageId + "@" + start, w -> new HashSet<>()).add(view.userId);
                users.computeIfAbsent(UniqueVisitors.ALL_PAGES + "@" + start, w -> new HashSet<>()).add(view.userId);
              }
            });
    return users;
  }

  /** Per (page or "*") @ window start: the fields of the record with the highest firing. */
  static Map<String, Map<String, Object>> finalRecords(Path output) throws Exception {
    Map<String, Map<String, Object>> records = new HashMap<>();
    for (String name : List.of(UniqueVisitorsJob.PER_PAGE, UniqueVisitorsJob.GLOBAL)) {
      GeneratedRuns.highestFirings(output.resolve(name), r -> r.get("pageId") + "@" + r.get("windowStart"))
          .forEach((window, line) -> records.put(window, OutputFiles.fields(line)));
    }
    return records;
  }

  @Test
  void sketchesEqualTheSinglePassSketchAndHoldTheExactCountWithinThreeSigma() throws Exception {
    Map<String, Set<String>> users = exactUsers(sketches);
    Map<String, Map<String, Object>> records = finalRecords(sketches);
    assertThat(records.keySet()).isEqualTo(users.keySet());
    int outside = 0;
    for (Map.Entry<String, Set<String>> window : users.entrySet()) {
      HyperLogLog singlePass = HyperLogLog.create(12);
      window.getValue().forEach(singlePass::update);
      Map<String, Object> r = records.get(window.getKey());
      assertThat(r.get("estimate")).as("estimate of %s", window.getKey()).isEqualTo(Math.round(singlePass.estimate()));
      long exactCount = window.getValue().size();
      if (exactCount < (Long) r.get("lowerBound") || exactCount > (Long) r.get("upperBound")) {
        outside++;
      }
    }
    // 3σ: about 0.3% of windows may fall outside; most windows are small, where the sparse sketch is nearly exact.
    assertThat(outside).as("windows outside their 3σ bounds of %d", users.size()).isLessThanOrEqualTo(users.size() / 100);
    assertThat(users.keySet()).anyMatch(w -> w.startsWith(UniqueVisitors.ALL_PAGES));
    assertThat(OutputFiles.lines(sketches.resolve(UniqueVisitorsJob.LATE_PARTIALS))).isEmpty();
  }

  /**
   * Dense sketches: each window's estimate is the register estimate of a single-pass sketch of the window's users (the
   * merge of the subtasks' partials is exact and drops HIP), and the exact count lies within the 3σ bounds. Each
   * bound fails with probability at most 0.135%, so with at most 140 bounds of dense windows the chance of more than
   * 2 misses is below 0.001 (Poisson, mean at most 0.19): the significance level of this test.
   */
  @Test
  void denseSketchesAreAccurateWithinTheirBounds() throws Exception {
    Map<String, Set<String>> users = exactUsers(MANY_USERS, dense);
    Map<String, Map<String, Object>> records = finalRecords(dense);
    assertThat(records.keySet()).isEqualTo(users.keySet());
    int denseWindows = 0;
    int densePageWindows = 0;
    int outside = 0;
    for (Map.Entry<String, Set<String>> window : users.entrySet()) {
      HyperLogLog singlePass = HyperLogLog.create(12);
      window.getValue().forEach(singlePass::update);
      if (singlePass.isSparse()) {
        continue;
      }
      denseWindows++;
      if (!window.getKey().startsWith(UniqueVisitors.ALL_PAGES + "@")) {
        densePageWindows++;
      }
      Map<String, Object> r = records.get(window.getKey());
      assertThat(r.get("estimate"))
          .as("estimate of %s", window.getKey())
          .isEqualTo(Math.round(singlePass.registerEstimate()));
      long exactCount = window.getValue().size();
      if (exactCount < (Long) r.get("lowerBound") || exactCount > (Long) r.get("upperBound")) {
        outside++;
      }
    }
    assertThat(denseWindows).isBetween(40, 140);
    assertThat(densePageWindows).as("dense windows of single pages").isPositive();
    assertThat(outside).as("dense windows outside their 3σ bounds of %d", denseWindows).isLessThanOrEqualTo(2);
  }

  @Test
  void exactModeCountsExactly() throws Exception {
    Map<String, Set<String>> users = exactUsers(exact);
    Map<String, Map<String, Object>> records = finalRecords(exact);
    assertThat(records.keySet()).isEqualTo(users.keySet());
    users.forEach(
        (window, set) -> assertThat(records.get(window).get("estimate")).as(window).isEqualTo((long) set.size()));
  }

  @Test
  void verifyAddsTheExactCountAndADataSketchesEstimateToEveryRecord() throws Exception {
    for (String name : List.of(UniqueVisitorsJob.PER_PAGE, UniqueVisitorsJob.GLOBAL)) {
      for (String line : OutputFiles.lines(verified.resolve(name))) {
        assertThat(OutputFiles.fields(line)).as(line).containsKeys("exact", "datasketches");
      }
    }
    Map<String, Set<String>> users = exactUsers(verified);
    Map<String, Map<String, Object>> records = finalRecords(verified);
    assertThat(records.keySet()).isEqualTo(users.keySet());
    // DataSketches' HLL_8 relative standard error is about 1.04 / sqrt(2^lgK), as ours.
    double threeRse = 3 * 1.04 / Math.sqrt(1 << 12);
    int oursOutside = 0;
    int datasketchesOutside = 0;
    for (Map.Entry<String, Set<String>> window : users.entrySet()) {
      Map<String, Object> r = records.get(window.getKey());
      long exactCount = window.getValue().size();
      assertThat(r.get("exact")).as("exact of %s", window.getKey()).isEqualTo(exactCount);
      if (exactCount < (Long) r.get("lowerBound") || exactCount > (Long) r.get("upperBound")) {
        oursOutside++;
      }
      if (Math.abs((Long) r.get("datasketches") - exactCount) > threeRse * exactCount + 1) {
        datasketchesOutside++;
      }
    }
    assertThat(oursOutside).as("ours outside 3σ of %d", users.size()).isLessThanOrEqualTo(users.size() / 100);
    assertThat(datasketchesOutside)
        .as("DataSketches outside 3 RSE of %d", users.size())
        .isLessThanOrEqualTo(users.size() / 100);
  }

  @Test
  void verifyLeavesTheSketchResultsUnchanged() throws Exception {
    Map<String, Map<String, Object>> plain = finalRecords(sketches);
    Map<String, Map<String, Object>> withVerify = finalRecords(verified);
    assertThat(withVerify.keySet()).isEqualTo(plain.keySet());
    plain.forEach(
        (window, r) -> {
          for (String field : List.of("estimate", "lowerBound", "upperBound")) {
            assertThat(withVerify.get(window).get(field)).as("%s of %s", field, window).isEqualTo(r.get(field));
          }
        });
  }

  /**
   * {@code --slide}: 5-minute windows every minute, merged from 1-minute panes. Every (page or "*", window) the input
   * has a counted view in has one final record, whose estimate is the register estimate of one sketch of all its
   * counted users (the merge of panes is exact); the late pairs of each scope account for the rest.
   */
  @Test
  void slidingWindowsEqualOneSketchOfEachWindowsUsers(@TempDir Path sliding) throws Exception {
    GeneratedRuns.run(UniqueVisitorsJob.NAME, CONFIG, sliding, "--window", "5m", "--slide", "1m");
    long size = 5 * GeneratedRuns.MINUTE;
    Map<String, Set<String>> users = new HashMap<>();
    GeneratedRuns.acceptedBySlidingWindow(
            CONFIG, sliding.resolve(UniqueVisitorsJob.LATE_SLIDING), e -> e.kind == EventKind.VIEW, size, GeneratedRuns.MINUTE)
        .forEach((start, views) -> views.forEach(
            view -> users.computeIfAbsent(view.pageId + "@" + start, w -> new HashSet<>()).add(view.userId)));
    GeneratedRuns.acceptedBySlidingWindow(
            CONFIG, sliding.resolve(UniqueVisitorsJob.LATE_SLIDING_GLOBAL), e -> e.kind == EventKind.VIEW, size, GeneratedRuns.MINUTE)
        .forEach((start, views) -> views.forEach(
            view -> users.computeIfAbsent(UniqueVisitors.ALL_PAGES + "@" + start, w -> new HashSet<>()).add(view.userId)));

    Map<String, Map<String, Object>> records = new HashMap<>();
    Map<String, Long> firings = new HashMap<>();
    for (String name : List.of(UniqueVisitorsJob.PER_PAGE, UniqueVisitorsJob.GLOBAL)) {
      for (String line : OutputFiles.lines(sliding.resolve(name))) {
        Map<String, Object> r = OutputFiles.fields(line);
        assertThat((Long) r.get("windowEnd") - (Long) r.get("windowStart")).isEqualTo(size);
        String window = r.get("pageId") + "@" + r.get("windowStart");
        if ((Long) r.get("firing") > firings.getOrDefault(window, -1L)) {
          firings.put(window, (Long) r.get("firing"));
          records.put(window, r);
        }
      }
    }
    assertThat(records.keySet()).isEqualTo(users.keySet());
    for (Map.Entry<String, Set<String>> window : users.entrySet()) {
      HyperLogLog singlePass = HyperLogLog.create(12);
      window.getValue().forEach(singlePass::update);
      assertThat(records.get(window.getKey()).get("estimate"))
          .as("estimate of %s", window.getKey())
          .isEqualTo(Math.round(singlePass.registerEstimate()));
    }
    assertThat(OutputFiles.lines(sliding.resolve(UniqueVisitorsJob.LATE_SLIDING))).isNotEmpty();
  }
}
