package io.streamsketch.jobs.toppages;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsketch.generator.GeneratorConfig;
import io.streamsketch.jobs.testing.GeneratedRuns;
import io.streamsketch.jobs.testing.OutputFiles;
import io.streamsketch.jobs.verify.PageViewsCheck;
import io.streamsketch.model.ClickEvent;
import io.streamsketch.model.EventKind;
import io.streamsketch.sketch.cms.CountMinSketch;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.datasketches.frequencies.ItemsSketch;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@code top-pages} at parallelism 2 on the generator with a coarse sketch (ε = 0.01, δ = 0.05) so that errors
 * show, and checks each window's final record against the exact view counts: never under, within ε·N for at least a
 * fraction 1 − δ, every heavy hitter listed, and every estimate equal to a single-pass sketch's. It runs with {@code
 * --verify}, so those checks also show that the verify branch leaves the sketch's results as they are. A second
 * run with {@code --exact} must list each window's true top pages with their exact views.
 */
class TopPagesJobIT {
  @RegisterExtension
  static final MiniClusterExtension CLUSTER =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

  private static final double EPSILON = 0.01;
  private static final double DELTA = 0.05;
  private static final double HEAVY_FRACTION = 0.1;
  private static final GeneratorConfig CONFIG =
      GeneratorConfig.defaults().withEvents(40_000).withSeed(5).withUsersAndPages(2_000, 300).withDisorder(5_000, 0.005, 0);

  @TempDir static Path output;

  static Map<Long, List<ClickEvent>> views;
  static Map<String, String> records;

  @BeforeAll
  static void runJob() throws Exception {
    GeneratedRuns.run(
        TopPagesJob.NAME, CONFIG, output,
        "--top", "20", "--epsilon", Double.toString(EPSILON), "--delta", Double.toString(DELTA),
        "--heavy-fraction", Double.toString(HEAVY_FRACTION), "--verify");
    views =
        GeneratedRuns.acceptedByWindow(CONFIG, output.resolve(TopPagesJob.LATE_EVENTS), e -> e.kind == EventKind.VIEW);
    records = GeneratedRuns.highestFirings(output.resolve(TopPagesJob.TOP_PAGES), r -> r.get("windowStart").toString());
  }

  @Test
  void estimatesAreNeverUnderAndWithinEpsilonNForAFractionOneMinusDelta() {
    assertThat(records.keySet()).isEqualTo(views.keySet().stream().map(Object::toString).collect(Collectors.toSet()));
    int entries = 0;
    int withinBound = 0;
    for (Map.Entry<Long, List<ClickEvent>> window : views.entrySet()) {
      Map<String, Long> exact = exactViews(window.getValue());
      String line = records.get(window.getKey().toString());
      Map<String, Object> record = OutputFiles.fields(line);
      long n = window.getValue().size();
      assertThat(record.get("totalViews")).isEqualTo(n);
      double bound = (Double) record.get("errorBound");
      assertThat(bound).isCloseTo(EPSILON * n, org.assertj.core.data.Offset.offset(EPSILON * n * 0.2 + 1e-9));
      for (Map<String, Object> entry : OutputFiles.objectsIn(line, "entries")) {
        long truth = exact.getOrDefault((String) entry.get("pageId"), 0L);
        long estimate = (Long) entry.get("estimate");
        assertThat(estimate).as("estimate of %s in window %s", entry.get("pageId"), window.getKey()).isGreaterThanOrEqualTo(truth);
        entries++;
        if (estimate - truth <= bound) {
          withinBound++;
        }
      }
    }
    assertThat(entries).isPositive();
    assertThat((double) withinBound / entries).isGreaterThanOrEqualTo(1 - DELTA);
  }

  @Test
  void everyHeavyHitterIsListedWithTheSinglePassEstimate() {
    int heavyHitters = 0;
    for (Map.Entry<Long, List<ClickEvent>> window : views.entrySet()) {
      heavyHitters += assertSinglePassEstimatesAndHeavyHitters(window.getValue(), records.get(window.getKey().toString()));
    }
    assertThat(heavyHitters).isPositive();
  }

  /** Asserts a window's record lists single-pass estimates and every heavy hitter; returns the heavy hitters. */
  private static int assertSinglePassEstimatesAndHeavyHitters(List<ClickEvent> views, String record) {
    CountMinSketch singlePass = CountMinSketch.builder().accuracy(EPSILON, DELTA).seed(0).build();
    views.forEach(view -> singlePass.update(view.pageId, 1));
    Map<String, Long> listed = new HashMap<>();
    OutputFiles.objectsIn(record, "entries")
        .forEach(entry -> listed.put((String) entry.get("pageId"), (Long) entry.get("estimate")));
    listed.forEach((page, estimate) -> assertThat(estimate).as(page).isEqualTo(singlePass.estimate(page)));
    Set<String> heavy =
        exactViews(views).entrySet().stream()
            .filter(page -> page.getValue() >= HEAVY_FRACTION * views.size())
            .map(Map.Entry::getKey)
            .collect(Collectors.toSet());
    assertThat(listed.keySet()).as("window %s", record).containsAll(heavy);
    return heavy.size();
  }

  @Test
  void verifyAddsExactViewsAndDataSketchesEstimatesToEveryEntry() throws Exception {
    for (String line : OutputFiles.lines(output.resolve(TopPagesJob.TOP_PAGES))) {
      assertThat(OutputFiles.fields(line)).as(line).containsKey("exactTotalViews");
      assertThat(OutputFiles.objectsIn(line, "entries")).allSatisfy(e -> assertThat(e).containsKeys("exact", "datasketches"));
    }
    CountMinSketch sketch = CountMinSketch.builder().accuracy(EPSILON, DELTA).seed(0).build();
    int maxMapSize = PageViewsCheck.mapSizeFor((long) sketch.width() * sketch.depth());
    int entries = 0;
    for (Map.Entry<Long, List<ClickEvent>> window : views.entrySet()) {
      Map<String, Long> exact = exactViews(window.getValue());
      String line = records.get(window.getKey().toString());
      long n = window.getValue().size();
      assertThat(OutputFiles.fields(line).get("exactTotalViews")).isEqualTo(n);
      for (Map<String, Object> entry : OutputFiles.objectsIn(line, "entries")) {
        long truth = exact.getOrDefault((String) entry.get("pageId"), 0L);
        assertThat(entry.get("exact")).as("exact views of %s in window %s", entry.get("pageId"), window.getKey()).isEqualTo(truth);
        // The frequent-items sketch's a-priori bound on any estimate's error: 3.5 / maxMapSize · N.
        assertThat((double) Math.abs((Long) entry.get("datasketches") - truth))
            .isLessThanOrEqualTo(ItemsSketch.getAprioriError(maxMapSize, n));
        entries++;
      }
    }
    assertThat(entries).isPositive();
  }

  @Test
  void exactListsEachWindowsTrueTopPagesWithTheirExactViews(@TempDir Path exactOutput) throws Exception {
    int top = 20;
    GeneratedRuns.run(TopPagesJob.NAME, CONFIG, exactOutput, "--top", Integer.toString(top), "--exact");
    Map<Long, List<ClickEvent>> exactRunViews =
        GeneratedRuns.acceptedByWindow(CONFIG, exactOutput.resolve(TopPagesJob.LATE_EVENTS), e -> e.kind == EventKind.VIEW);
    Map<String, String> exactRecords =
        GeneratedRuns.highestFirings(exactOutput.resolve(TopPagesJob.TOP_PAGES), r -> r.get("windowStart").toString());
    assertThat(exactRecords.keySet())
        .isEqualTo(exactRunViews.keySet().stream().map(Object::toString).collect(Collectors.toSet()));
    for (Map.Entry<Long, List<ClickEvent>> window : exactRunViews.entrySet()) {
      String line = exactRecords.get(window.getKey().toString());
      Map<String, Object> record = OutputFiles.fields(line);
      assertThat(record.get("totalViews")).isEqualTo((long) window.getValue().size());
      assertThat(record.get("errorBound")).isEqualTo(0.0);
      assertThat(record.get("confidence")).isEqualTo(1.0);
      // Ties are ranked by page id, so the true top-k list is unique.
      List<Map.Entry<String, Long>> trueTop =
          exactViews(window.getValue()).entrySet().stream()
              .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
              .limit(top)
              .toList();
      List<Map.Entry<String, Long>> listed =
          OutputFiles.objectsIn(line, "entries").stream()
              .map(entry -> Map.entry((String) entry.get("pageId"), (Long) entry.get("estimate")))
              .toList();
      assertThat(listed).as("window %s", window.getKey()).isEqualTo(trueTop);
    }
  }

  private static Map<String, Long> exactViews(List<ClickEvent> views) {
    return views.stream().collect(Collectors.groupingBy(view -> view.pageId, Collectors.counting()));
  }

  /**
   * {@code --slide}: 5-minute windows every minute, merged from 1-minute panes. Every window with a counted view has a
   * final record whose N is its exact counted views, whose estimates equal a single-pass sketch's (Count-Min merges
   * exactly) and which lists every heavy hitter; the late pairs account for the rest.
   */
  @Test
  void slidingWindowsMergeTheirPanesExactly(@TempDir Path sliding) throws Exception {
    GeneratedRuns.run(
        TopPagesJob.NAME, CONFIG, sliding,
        "--top", "20", "--epsilon", Double.toString(EPSILON), "--delta", Double.toString(DELTA),
        "--heavy-fraction", Double.toString(HEAVY_FRACTION), "--window", "5m", "--slide", "1m");
    Map<Long, List<ClickEvent>> slidingViews =
        GeneratedRuns.acceptedBySlidingWindow(
            CONFIG, sliding.resolve(TopPagesJob.LATE_SLIDING), e -> e.kind == EventKind.VIEW,
            5 * GeneratedRuns.MINUTE, GeneratedRuns.MINUTE);
    Map<Long, Map<String, Object>> finalRecords = new HashMap<>();
    Map<Long, String> lines = new HashMap<>();
    for (String line : OutputFiles.lines(sliding.resolve(TopPagesJob.TOP_PAGES))) {
      Map<String, Object> r = OutputFiles.fields(line);
      Map<String, Object> before = finalRecords.get((Long) r.get("windowStart"));
      if (before == null || (Long) r.get("firing") > (Long) before.get("firing")) {
        finalRecords.put((Long) r.get("windowStart"), r);
        lines.put((Long) r.get("windowStart"), line);
      }
    }
    assertThat(finalRecords.keySet()).isEqualTo(slidingViews.keySet());
    for (Map.Entry<Long, List<ClickEvent>> window : slidingViews.entrySet()) {
      Map<String, Object> r = finalRecords.get(window.getKey());
      assertThat(r.get("totalViews")).as("N of %s", window.getKey()).isEqualTo((long) window.getValue().size());
      assertSinglePassEstimatesAndHeavyHitters(window.getValue(), lines.get(window.getKey()));
    }
  }
}
