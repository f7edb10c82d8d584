package io.streamsketch.sketch.quantiles;

import java.util.SplittableRandom;

/**
 * The exact maximum normalized rank error of a sorted view over a stream that is a permutation of 0, 1, ..., n − 1,
 * whose exact inclusive rank of x is ⌊x⌋ + 1 items: {@code sup_x |R̂(x) − R(x)| / n}. Both are step functions, R̂
 * stepping only at retained items, so the supremum is reached at a retained item v (estimate: its cumulative weight;
 * exact: v + 1) or just below one (estimate: the previous cumulative weight; exact: v).
 */
final class RankErrors {
  private RankErrors() {}

  /** A uniformly shuffled permutation of 0 .. n − 1, as doubles. */
  static double[] permutation(int n, long seed) {
    double[] items = new double[n];
    for (int i = 0; i < n; i++) {
      items[i] = i;
    }
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      double swap = items[i];
      items[i] = items[j];
      items[j] = swap;
    }
    return items;
  }

  /** The maximum normalized rank error of a view of sorted items and cumulative weights, over 0 .. n − 1. */
  static double maxRankError(double[] sortedItems, long[] cumulativeWeights, long n) {
    long worst = 0;
    long previous = 0;
    for (int i = 0; i < sortedItems.length; i++) {
      long value = (long) sortedItems[i];
      worst = Math.max(worst, Math.abs(previous - value));
      worst = Math.max(worst, Math.abs(cumulativeWeights[i] - (value + 1)));
      previous = cumulativeWeights[i];
    }
    return (double) worst / n;
  }

  static double maxRankError(KllSketch sketch) {
    KllSortedView view = sketch.sortedView();
    double[] items = new double[view.size()];
    long[] weights = new long[view.size()];
    for (int i = 0; i < items.length; i++) {
      items[i] = view.item(i);
      weights[i] = view.cumulativeWeight(i);
    }
    return maxRankError(items, weights, sketch.n());
  }

  /**
   * P(X ≥ count) for X ~ Binomial(trials, p): the chance that at least {@code count} of {@code trials} independent
   * trials exceed a bound each exceeds with probability p.
   */
  static double binomialTailAtLeast(int trials, double p, int count) {
    double below = 0;
    for (int i = 0; i < count; i++) {
      below += binomialProbability(trials, p, i);
    }
    return Math.max(0, 1 - below);
  }

  private static double binomialProbability(int trials, double p, int i) {
    double logChoose = 0;
    for (int j = 1; j <= i; j++) {
      logChoose += Math.log(trials - i + j) - Math.log(j);
    }
    return Math.exp(logChoose + i * Math.log(p) + (trials - i) * Math.log1p(-p));
  }
}
