package io.streamsketch.sketch.testing;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Seeded Zipf sampler over the ranks {@code 0..n-1}: rank r has probability proportional to {@code 1/(r+1)^s}.
 * Inverse-CDF sampling by binary search over a precomputed table, so streams are reproducible and fast.
 */
public final class ZipfGenerator {
  private final double[] cumulative;
  private final SplittableRandom random;

  public ZipfGenerator(int n, double exponent, long seed) {
    cumulative = new double[n];
    double sum = 0;
    for (int r = 0; r < n; r++) {
      sum += 1 / Math.pow(r + 1, exponent);
      cumulative[r] = sum;
    }
    for (int r = 0; r < n; r++) {
      cumulative[r] /= sum;
    }
    random = new SplittableRandom(seed);
  }

  /** The next rank, 0 being the most frequent. */
  public int next() {
    int at = Arrays.binarySearch(cumulative, random.nextDouble());
    int rank = at >= 0 ? at : -at - 1;
    return Math.min(rank, cumulative.length - 1);
  }

  /** A stream of {@code length} ranks. */
  public int[] stream(int length) {
    int[] out = new int[length];
    for (int i = 0; i < length; i++) {
      out[i] = next();
    }
    return out;
  }
}
