package io.streamsketch.sketch.quantiles;

/**
 * The estimator of a {@link KllSketch}: its retained items sorted, each with the cumulative weight of the items up to
 * and including it. Ranks are inclusive, DataSketches' default: the rank of x estimates the fraction of the stream's
 * items that are {@code ≤ x}. Immutable; the sketch caches it until its next update or merge.
 */
public final class KllSortedView {
  private final double[] items;
  /** {@code cumulativeWeights[i]}: the weight of {@code items[0..i]}; the last is n. */
  private final long[] cumulativeWeights;
  private final long n;
  private final double min;
  private final double max;

  private KllSortedView(double[] items, long[] cumulativeWeights, long n, double min, double max) {
    this.items = items;
    this.cumulativeWeights = cumulativeWeights;
    this.n = n;
    this.min = min;
    this.max = max;
  }

  /** Merges the sorted levels into one sorted run, lowest level first. */
  static KllSortedView of(KllLevels levels) {
    double[] items = new double[0];
    long[] weights = new long[0];
    for (int level = 0; level < levels.numLevels; level++) {
      double[] sorted = levels.sortedLevel(level);
      double[] mergedItems = new double[items.length + sorted.length];
      long[] mergedWeights = new long[mergedItems.length];
      long weight = 1L << level;
      int a = 0;
      int b = 0;
      for (int out = 0; out < mergedItems.length; out++) {
        if (b == sorted.length || (a < items.length && items[a] <= sorted[b])) {
          mergedItems[out] = items[a];
          mergedWeights[out] = weights[a++];
        } else {
          mergedItems[out] = sorted[b++];
          mergedWeights[out] = weight;
        }
      }
      items = mergedItems;
      weights = mergedWeights;
    }
    for (int i = 1; i < weights.length; i++) {
      weights[i] += weights[i - 1];
    }
    return new KllSortedView(items, weights, levels.n, levels.min, levels.max);
  }

  /** The number of retained items. */
  public int size() {
    return items.length;
  }

  /** The i-th smallest retained item. */
  public double item(int i) {
    return items[i];
  }

  /** The weight of the retained items up to and including the i-th smallest. */
  public long cumulativeWeight(int i) {
    return cumulativeWeights[i];
  }

  /**
   * The estimated fraction of the items that are {@code ≤ value}, in [0, 1]: exact at and beyond the extremes (0
   * below the minimum, 1 at and above the maximum).
   */
  public double rank(double value) {
    checkNotNaN(value, "value");
    return (double) weightAtMost(value) / n;
  }

  /** The weight of the retained items {@code ≤ value}. */
  private long weightAtMost(double value) {
    if (value >= max) {
      return n;
    }
    // The last index whose item is ≤ value.
    int low = 0;
    int high = items.length - 1;
    int found = -1;
    while (low <= high) {
      int mid = (low + high) >>> 1;
      if (items[mid] <= value) {
        found = mid;
        low = mid + 1;
      } else {
        high = mid - 1;
      }
    }
    return found < 0 ? 0 : cumulativeWeights[found];
  }

  /**
   * The estimated quantile of a normalized rank in [0, 1]: the smallest retained item whose (inclusive) rank is at
   * least {@code rank}, so that {@code rank(quantile(r)) ≥ r}; the exact minimum for 0 and the exact maximum for 1.
   * In exact mode (every weight 1) it is the ⌈r·n⌉-th smallest item.
   */
  public double quantile(double rank) {
    if (!(rank >= 0 && rank <= 1)) {
      throw new IllegalArgumentException("rank must be in [0, 1]: " + rank);
    }
    if (rank == 0) {
      return min;
    }
    if (rank == 1) {
      return max;
    }
    long target = Math.max(1, naturalRank(rank, n));
    int low = 0;
    int high = items.length - 1;
    while (low < high) {
      int mid = (low + high) >>> 1;
      if (cumulativeWeights[mid] >= target) {
        high = mid;
      } else {
        low = mid + 1;
      }
    }
    return items[low];
  }

  /**
   * ⌈rank·n⌉, with the product's rounding error forgiven: 7/200 · 200 is 7.000000000000001 in doubles, whose ceiling
   * would skip the 7th item.
   */
  private static long naturalRank(double rank, long n) {
    double natural = rank * n;
    double nearest = Math.rint(natural);
    return Math.abs(natural - nearest) <= 4 * Math.ulp(natural) ? (long) nearest : (long) Math.ceil(natural);
  }

  /**
   * The estimated cumulative distribution at the split points: {@code splitPoints.length + 1} values, the i-th the
   * rank of {@code splitPoints[i]} (the fraction of items {@code ≤} it) and the last 1.
   *
   * @throws IllegalArgumentException if the split points are not strictly increasing or contain NaN
   */
  public double[] cdf(double[] splitPoints) {
    checkSplitPoints(splitPoints);
    double[] cdf = new double[splitPoints.length + 1];
    for (int i = 0; i < splitPoints.length; i++) {
      cdf[i] = rank(splitPoints[i]);
    }
    cdf[splitPoints.length] = 1;
    return cdf;
  }

  /**
   * The estimated probability mass of the intervals the split points bound: {@code splitPoints.length + 1} values, the
   * first the fraction of items {@code ≤ splitPoints[0]}, the i-th of those in {@code (splitPoints[i−1],
   * splitPoints[i]]}, the last of those {@code > splitPoints[last]}; they add up to 1.
   *
   * @throws IllegalArgumentException if the split points are not strictly increasing or contain NaN
   */
  public double[] pmf(double[] splitPoints) {
    double[] pmf = cdf(splitPoints);
    for (int i = pmf.length - 1; i > 0; i--) {
      pmf[i] -= pmf[i - 1];
    }
    return pmf;
  }

  private static void checkSplitPoints(double[] splitPoints) {
    for (int i = 0; i < splitPoints.length; i++) {
      checkNotNaN(splitPoints[i], "split point " + i);
      if (i > 0 && !(splitPoints[i] > splitPoints[i - 1])) {
        throw new IllegalArgumentException(
            "split points must be strictly increasing: " + splitPoints[i - 1] + " then " + splitPoints[i]);
      }
    }
  }

  static void checkNotNaN(double value, String what) {
    if (Double.isNaN(value)) {
      throw new IllegalArgumentException(what + " is NaN");
    }
  }
}
