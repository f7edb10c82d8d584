package io.streamsketch.sketch.quantiles;

/**
 * The parameter {@code k} of a {@link KllSketch}, the capacities of its levels and its rank error.
 *
 * <h2>Level capacities</h2>
 *
 * A sketch with L levels gives level h (0 the lowest, whose items weigh 1; level h's weigh 2^h) the capacity
 * {@code max(8, round(k·(2/3)^(L−1−h)))}: the top level holds k items and each level below two thirds of the one
 * above, down to {@link #MIN_LEVEL_WIDTH} (Karnin, Lang and Liberty 2016, "Optimal quantile approximation in
 * streams", with DataSketches' minimum width 8). The sum over the levels is less than {@code 3k + 8L}.
 *
 * <h2>Rank error</h2>
 *
 * DataSketches fitted the normalized rank error of KLL at 99% confidence to its measurements ({@code
 * KllSketch.getNormalizedRankError}): single-sided (a rank, a quantile, a CDF value) {@code 2.296 / k^0.9723}, about
 * 1.33% at k = 200; double-sided (a PMF bucket, the difference of two ranks) {@code 2.446 / k^0.9433}, about 1.65% at
 * k = 200. These are empirical fits for a sketch that has left exact mode; below its capacity a sketch is exact.
 */
public final class KllParameters {
  /** The smallest k. */
  public static final int MIN_K = 8;
  /** The largest k. */
  public static final int MAX_K = 65_535;
  /** The k when none is given: about 1.33% single-sided rank error at 99% confidence. */
  public static final int DEFAULT_K = 200;
  /** The smallest capacity of a level. */
  public static final int MIN_LEVEL_WIDTH = 8;
  /**
   * The most levels a sketch can have: an item at level h weighs 2^h, and the weights of the retained items add up to
   * n, a long; a top level of weight 2^62 or more would need n ≥ 2^62·8.
   */
  public static final int MAX_LEVELS = 61;

  /** Beyond this depth, k·(2/3)^depth is below 1 for every k ≤ {@link #MAX_K}, so the capacity is the minimum. */
  private static final int MAX_SCALED_DEPTH = 30;
  /** 3^d for d in [0, {@link #MAX_SCALED_DEPTH}]. */
  private static final long[] POWERS_OF_3 = new long[MAX_SCALED_DEPTH + 1];

  static {
    POWERS_OF_3[0] = 1;
    for (int d = 1; d <= MAX_SCALED_DEPTH; d++) {
      POWERS_OF_3[d] = 3 * POWERS_OF_3[d - 1];
    }
  }

  private KllParameters() {}

  /** Fails unless {@code k} is in [{@link #MIN_K}, {@link #MAX_K}]. */
  public static int checkK(int k) {
    if (k < MIN_K || k > MAX_K) {
      throw new IllegalArgumentException("k must be in [" + MIN_K + ", " + MAX_K + "]: " + k);
    }
    return k;
  }

  /** The capacity of {@code level} in a sketch of {@code numLevels} levels. */
  public static int levelCapacity(int k, int numLevels, int level) {
    int depth = numLevels - 1 - level;
    if (depth > MAX_SCALED_DEPTH) {
      return MIN_LEVEL_WIDTH;
    }
    // round(k·2^d / 3^d), exactly in longs: 2k·2^30 and 3^30 are below 2^48.
    long numerator = 2L * k << depth;
    long denominator = POWERS_OF_3[depth];
    long rounded = (numerator / denominator + 1) / 2;
    return (int) Math.max(MIN_LEVEL_WIDTH, rounded);
  }

  /** The sum of the level capacities of a sketch of {@code numLevels} levels. */
  public static int totalCapacity(int k, int numLevels) {
    int total = 0;
    for (int level = 0; level < numLevels; level++) {
      total += levelCapacity(k, numLevels, level);
    }
    return total;
  }

  /**
   * The normalized rank error at 99% confidence of a sketch of this {@code k}, as DataSketches states it.
   *
   * @param doubleSided false for a single rank, quantile or CDF value; true for a PMF bucket (two ranks)
   */
  public static double normalizedRankError(int k, boolean doubleSided) {
    checkK(k);
    return doubleSided ? 2.446 / Math.pow(k, 0.9433) : 2.296 / Math.pow(k, 0.9723);
  }
}
