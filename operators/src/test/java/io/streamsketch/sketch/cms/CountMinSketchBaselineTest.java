package io.streamsketch.sketch.cms;

import static io.streamsketch.sketch.cms.HeavyHittersTest.STREAM_LENGTH;
import static io.streamsketch.sketch.cms.HeavyHittersTest.UNIVERSE;
import static io.streamsketch.sketch.cms.HeavyHittersTest.page;
import static io.streamsketch.sketch.cms.HeavyHittersTest.recall;
import static io.streamsketch.sketch.cms.HeavyHittersTest.trueCounts;
import static io.streamsketch.sketch.cms.HeavyHittersTest.trueTop;
import static io.streamsketch.sketch.cms.HeavyHittersTest.zipfStream;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.apache.datasketches.frequencies.ErrorType;
import org.apache.datasketches.frequencies.ItemsSketch;
import org.junit.jupiter.api.Test;

/** Our Count-Min sketch and top-k tracker against stream-lib and DataSketches on the same Zipf streams. */
class CountMinSketchBaselineTest {

  @Test
  void overestimatesNoMoreThanStreamLibAtTheSameWidthAndDepth() {
    int width = 2719;
    int depth = 5;
    double oursTotal = 0;
    double theirsTotal = 0;
    for (int trial = 0; trial < 3; trial++) {
      int[] stream = zipfStream(100 + trial);
      long[] truth = trueCounts(stream);
      CountMinSketch ours = CountMinSketch.builder().dimensions(width, depth).seed(trial).build();
      var theirs = new com.clearspring.analytics.stream.frequency.CountMinSketch(depth, width, trial);
      for (int item : stream) {
        ours.update(item, 1);
        theirs.add((long) item, 1);
      }
      double oursError = 0;
      double theirsError = 0;
      for (int item = 0; item < UNIVERSE; item++) {
        assertThat(theirs.estimateCount((long) item)).isGreaterThanOrEqualTo(truth[item]);
        oursError += ours.estimate(item) - truth[item];
        theirsError += theirs.estimateCount((long) item) - truth[item];
      }
      oursTotal += oursError / UNIVERSE;
      theirsTotal += theirsError / UNIVERSE;
    }
    System.out.printf(
        "CMS %dx%d, Zipf 1.1, N=%d, mean overestimate over %d items: ours %.2f, stream-lib %.2f (eps*N = %.0f)%n",
        width, depth, STREAM_LENGTH, UNIVERSE, oursTotal / 3, theirsTotal / 3, Math.E / width * STREAM_LENGTH);
    // Both are plain Count-Min sketches with different hash functions: equal in expectation. 10% covers the noise
    // of three trials (each mean is over 20,000 items).
    assertThat(oursTotal).isLessThanOrEqualTo(1.1 * theirsTotal);
  }

  @Test
  void topKRecallComparedWithDataSketchesItemsSketch() {
    int[] stream = zipfStream(200);
    long[] truth = trueCounts(stream);
    Set<String> top10 = trueTop(truth, 10);
    HeavyHitters ours = HeavyHitters.create(10, HeavyHittersTest.sketch());
    ItemsSketch<String> small = new ItemsSketch<>(64);
    ItemsSketch<String> large = new ItemsSketch<>(2048);
    for (int item : stream) {
      String page = page(item);
      ours.update(page);
      small.update(page);
      large.update(page);
    }
    double oursRecall = recall(top10, ours.topK());
    double smallRecall = recallOf(top10, small);
    double largeRecall = recallOf(top10, large);
    System.out.printf(
        "top-10 recall, Zipf 1.1: ours (k=10, CMS 2719x5 = %d bytes) %.2f; DataSketches ItemsSketch maxMapSize=64 %.2f,"
            + " maxMapSize=2048 %.2f%n",
        ours.sketch().serializedSizeBytes(), oursRecall, smallRecall, largeRecall);
    assertThat(oursRecall).isGreaterThanOrEqualTo(0.9);
  }

  private static double recallOf(Set<String> truth, ItemsSketch<String> sketch) {
    ItemsSketch.Row<String>[] rows = sketch.getFrequentItems(ErrorType.NO_FALSE_NEGATIVES);
    List<HeavyHitters.Entry> top =
        Arrays.stream(rows).limit(10).map(row -> new HeavyHitters.Entry(row.getItem(), row.getEstimate())).toList();
    return recall(truth, top);
  }
}
