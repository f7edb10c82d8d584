package io.streamsketch.sketch.quantiles;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The stated 99% rank error against the exact ranks, over {@link #TRIALS} seeded trials per case: each trial's stream
 * is a shuffled permutation of 0 .. n − 1, and its error is the maximum over all x of |estimated − exact rank|
 * ({@link RankErrors}), which is at least the error of any single query the bound is stated for. If each trial
 * exceeded the single-sided bound with probability at most 1%, the number of trials over it would be at most
 * Binomial(100, 0.01); a case fails when more trials exceed it than that distribution reaches with probability 0.001
 * (the significance level): 6 or more of 100. Seeded, so deterministic.
 *
 * <p>Merged: each trial's stream is split into 8 parts, each in a sketch of its own seed, merged one after another
 * and, separately, pairwise as a tree; both orders must meet the same bound.
 */
class KllAccuracyTest {
  private static final int TRIALS = 100;
  private static final double SIGNIFICANCE = 0.001;
  private static final int PARTS = 8;

  /** The fewest trials over the bound that Binomial(TRIALS, 0.01) reaches with probability at most SIGNIFICANCE. */
  private static int rejectAt() {
    int count = 0;
    while (RankErrors.binomialTailAtLeast(TRIALS, 0.01, count) > SIGNIFICANCE) {
      count++;
    }
    return count;
  }

  @ParameterizedTest(name = "k = {0}, n = {1}")
  @CsvSource({"200, 1000", "200, 10000", "200, 100000", "200, 1000000", "50, 100000", "1000, 100000"})
  void aSingleSketchMeetsTheStatedBound(int k, int n) {
    double bound = KllSketch.normalizedRankError(k);
    int over = 0;
    for (int trial = 0; trial < TRIALS; trial++) {
      KllSketch sketch = KllSketch.create(k, trial);
      for (double item : RankErrors.permutation(n, 31L * n + trial)) {
        sketch.update(item);
      }
      over += RankErrors.maxRankError(sketch) > bound ? 1 : 0;
    }
    assertThat(rejectAt()).isEqualTo(6);
    assertThat(over).as("trials of %d whose max rank error exceeds %s", TRIALS, bound).isLessThan(rejectAt());
  }

  @ParameterizedTest(name = "k = {0}, n = {1}")
  @CsvSource({"200, 10000", "200, 100000", "200, 1000000"})
  void mergedSketchesMeetTheSameBoundInAnyMergeOrder(int k, int n) {
    double bound = KllSketch.normalizedRankError(k);
    int overSequential = 0;
    int overTree = 0;
    for (int trial = 0; trial < TRIALS; trial++) {
      double[] items = RankErrors.permutation(n, 17L * n + trial);
      List<KllSketch> parts = new ArrayList<>();
      for (int part = 0; part < PARTS; part++) {
        parts.add(KllSketch.create(k, (long) trial * PARTS + part));
      }
      for (int i = 0; i < items.length; i++) {
        parts.get(i % PARTS).update(items[i]);
      }
      KllSketch sequential = parts.get(0).copy();
      for (int part = 1; part < PARTS; part++) {
        sequential.merge(parts.get(part));
      }
      List<KllSketch> level = parts;
      while (level.size() > 1) {
        List<KllSketch> next = new ArrayList<>();
        for (int i = 0; i < level.size(); i += 2) {
          KllSketch pair = level.get(i).copy();
          pair.merge(level.get(i + 1));
          next.add(pair);
        }
        level = next;
      }
      KllSketch tree = level.get(0);
      assertThat(sequential.n()).isEqualTo(n);
      assertThat(tree.n()).isEqualTo(n);
      overSequential += RankErrors.maxRankError(sequential) > bound ? 1 : 0;
      overTree += RankErrors.maxRankError(tree) > bound ? 1 : 0;
    }
    assertThat(overSequential).as("sequential merges over %s", bound).isLessThan(rejectAt());
    assertThat(overTree).as("tree merges over %s", bound).isLessThan(rejectAt());
  }
}
