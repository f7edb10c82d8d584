package io.streamsketch.generator;

import java.util.SplittableRandom;

/**
 * Draws ranks 1..n with probability proportional to 1/rank^s, by binary search in a cumulative table. Exact and
 * deterministic for a given random stream, which a rejection sampler would not be across changes of n.
 */
public final class ZipfSampler {
  private final double[] cumulative;

  public ZipfSampler(int n, double exponent) {
    if (n < 1) {
      throw new IllegalArgumentException("n must be at least 1: " + n);
    }
    if (!(exponent > 0)) {
      throw new IllegalArgumentException("exponent must be positive: " + exponent);
    }
    cumulative = new double[n];
    double sum = 0;
    for (int rank = 1; rank <= n; rank++) {
      sum += Math.pow(rank, -exponent);
      cumulative[rank - 1] = sum;
    }
    for (int i = 0; i < n; i++) {
      cumulative[i] /= sum;
    }
  }

  /** A rank in [1, n]. */
  public int sample(SplittableRandom random) {
    double u = random.nextDouble();
    int low = 0;
    int high = cumulative.length - 1;
    while (low < high) {
      int mid = (low + high) >>> 1;
      if (cumulative[mid] < u) {
        low = mid + 1;
      } else {
        high = mid;
      }
    }
    return low + 1;
  }

  /** The probability of {@code rank}. */
  public double probability(int rank) {
    return rank == 1 ? cumulative[0] : cumulative[rank - 1] - cumulative[rank - 2];
  }
}
