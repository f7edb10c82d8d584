package io.streamsketch.sketch.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collection;
import java.util.HashSet;
import java.util.function.IntBinaryOperator;

/**
 * Tests how often pairs of items {@code i < j} of {@code 0..n-1} land together in a uniform sample of {@code k}: every
 * pair must be sampled together with probability {@code k(k−1) / (n(n−1))}. Equal probabilities for single items
 * (what {@code InclusionChiSquare} tests) do not imply this: two reservoirs making identical draws on two
 * equal-length streams include the i-th items of both together far too often, while each item alone stays fair.
 *
 * <p>The pairs are grouped into classes by a classifier (say, same subtask, or the i-th items of two subtasks). For
 * each class, the number of its pairs a run samples together is a bounded random variable, independent across runs;
 * its mean over R runs is compared with the expected value by a z-test with the runs' own standard deviation (the
 * central limit theorem over runs; pairs within a run need not be independent). Each class is tested two-sided at
 * level 0.0001, so with at most 10 classes the test's significance level (Bonferroni) is at most 0.001.
 */
public final class JointInclusion {
  /** The two-sided 0.0001 quantile of the standard normal distribution. */
  private static final double Z_CRITICAL = 3.8906;
  private static final int MAX_CLASSES = 10;

  private final int n;
  private final int k;
  private final int[][] classOf;
  private final long[] pairsPerClass;
  private final String[] names;
  private final double[] sums;
  private final double[] sumsOfSquares;
  private int runs;

  /**
   * @param classifier the class, in {@code [0, names.length)}, of the pair {@code (i, j)} with {@code i < j}
   */
  public JointInclusion(int n, int k, IntBinaryOperator classifier, String... names) {
    if (names.length > MAX_CLASSES) {
      throw new IllegalArgumentException("at most " + MAX_CLASSES + " classes keep the significance level at 0.001");
    }
    this.n = n;
    this.k = k;
    this.names = names;
    this.classOf = new int[n][n];
    this.pairsPerClass = new long[names.length];
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        int c = classifier.applyAsInt(i, j);
        classOf[i][j] = c;
        pairsPerClass[c]++;
      }
    }
    this.sums = new double[names.length];
    this.sumsOfSquares = new double[names.length];
  }

  /** Records one run's sample, which must be k distinct items of 0..n-1. */
  public void record(Collection<Long> sample) {
    assertThat(sample).hasSize(k);
    assertThat(new HashSet<>(sample)).hasSize(k);
    int[] items = sample.stream().mapToInt(Long::intValue).sorted().toArray();
    long[] together = new long[names.length];
    for (int a = 0; a < items.length; a++) {
      for (int b = a + 1; b < items.length; b++) {
        together[classOf[items[a]][items[b]]]++;
      }
    }
    for (int c = 0; c < names.length; c++) {
      sums[c] += together[c];
      sumsOfSquares[c] += (double) together[c] * together[c];
    }
    runs++;
  }

  /** Fails, naming the class, if some class's pairs are sampled together significantly more or less often. */
  public void assertUniform() {
    double pairProbability = (double) k * (k - 1) / ((double) n * (n - 1));
    for (int c = 0; c < names.length; c++) {
      double expected = pairsPerClass[c] * pairProbability;
      double mean = sums[c] / runs;
      double variance = (sumsOfSquares[c] - runs * mean * mean) / (runs - 1);
      double z = (mean - expected) / Math.sqrt(Math.max(variance, 1e-12) / runs);
      assertThat(Math.abs(z))
          .as(
              "%s: %d pairs, sampled together %.5f times per run on average over %d runs, expected %.5f (z = %.2f)",
              names[c], pairsPerClass[c], mean, runs, expected, z)
          .isLessThan(Z_CRITICAL);
    }
  }
}
