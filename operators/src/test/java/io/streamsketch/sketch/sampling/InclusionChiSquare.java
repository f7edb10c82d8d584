package io.streamsketch.sketch.sampling;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collection;
import java.util.HashSet;

/**
 * Counts how often each of the items {@code 0..n-1} lands in a sample of {@code k} over many runs, and tests those
 * counts for uniformity.
 *
 * <p>A sample of {@code k} distinct items out of {@code n} includes each item with probability {@code p = k/n}, and
 * inclusions of two items are negatively correlated: Cov = −p(1−p)/(n−1). The plain Pearson statistic Σ(O−E)²/E is
 * then about (1−p)·χ²(n−1), too small; dividing by the exact variance instead, Σ(O−E)² / (R·p(1−p)·n/(n−1)) for R
 * runs, is χ²(n−1)-distributed under uniformity, which is what {@link #statistic} returns.
 */
final class InclusionChiSquare {
  /** The 0.999 quantile of χ²(99): rejecting above it is a test at significance 0.001. */
  static final double CRITICAL_99_DF_AT_0_001 = 148.230;
  /** The 1 − 1e-6 quantile of χ²(99), for samplers we cannot seed. */
  static final double CRITICAL_99_DF_AT_1E_6 = 180.792;

  private final int k;
  private final long[] counts;
  private int runs;

  InclusionChiSquare(int n, int k) {
    this.k = k;
    this.counts = new long[n];
  }

  /** Records one run's sample, which must be k distinct items of 0..n-1. */
  void record(Collection<Long> sample) {
    assertThat(sample).hasSize(k);
    assertThat(new HashSet<>(sample)).hasSize(k);
    for (long item : sample) {
      counts[(int) item]++;
    }
    runs++;
  }

  double statistic() {
    int n = counts.length;
    double p = (double) k / n;
    double expected = runs * p;
    double squares = 0;
    for (long count : counts) {
      squares += (count - expected) * (count - expected);
    }
    return squares / (runs * p * (1 - p) * n / (n - 1));
  }
}
