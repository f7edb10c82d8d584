package io.streamsketch.sketch.hll;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;
import org.junit.jupiter.api.Test;

/**
 * Accuracy at p = 12 over 100 independent streams of 10^7 distinct items each, against DataSketches' HllSketch
 * (HLL_8, lgK = 12) fed the very same items. Each trial's items are consecutive longs from a trial-specific offset,
 * so trials are independent for both sketches (DataSketches' seed is fixed) and the test takes no random source.
 */
class HyperLogLogAccuracyTest {
  private static final int PRECISION = 12;
  private static final int M = 1 << PRECISION;
  private static final int TRIALS = 100;
  /** Checkpoints along each growing stream, including 2.5m and 5m where classic HLL has its bias hole. */
  private static final long[] CHECKPOINTS = {
    1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_240, 20_480, 50_000, 100_000, 200_000, 500_000,
    1_000_000, 2_000_000, 5_000_000, 10_000_000
  };
  private static final double THEORETICAL_RSE = 1.04 / Math.sqrt(M);

  @Test
  void unbiasedWithTheExpectedStandardErrorAndNoWorseThanDataSketches() {
    int points = CHECKPOINTS.length;
    double[] oursSum = new double[points];
    double[] oursSquares = new double[points];
    double[] hipSquares = new double[points];
    double[] compositeSquares = new double[points];
    boolean smallExact = true;
    for (int trial = 0; trial < TRIALS; trial++) {
      HyperLogLog ours = HyperLogLog.create(PRECISION);
      HllSketch theirs = new HllSketch(PRECISION, TgtHllType.HLL_8);
      long offset = (long) trial << 40;
      long n = 0;
      for (int point = 0; point < points; point++) {
        for (; n < CHECKPOINTS[point]; n++) {
          ours.update(offset + n);
          theirs.update(offset + n);
        }
        double error = ours.estimate() / n - 1;
        oursSum[point] += error;
        oursSquares[point] += error * error;
        double hip = theirs.getEstimate() / n - 1;
        hipSquares[point] += hip * hip;
        double composite = theirs.getCompositeEstimate() / n - 1;
        compositeSquares[point] += composite * composite;
        if (n <= 100 && Math.round(ours.estimate()) != n) {
          smallExact = false;
        }
      }
    }

    System.out.printf(
        "HLL p=%d, %d trials, 1.04/sqrt(m) = %.5f%n%10s %10s %10s %12s %12s %8s %8s%n",
        PRECISION, TRIALS, THEORETICAL_RSE, "n", "bias", "RSE", "DS HIP RSE", "DS comp RSE", "/HIP", "/comp");
    double largeSquares = 0;
    double largeCompositeSquares = 0;
    int largePoints = 0;
    for (int point = 0; point < points; point++) {
      long n = CHECKPOINTS[point];
      double bias = oursSum[point] / TRIALS;
      double rse = Math.sqrt(oursSquares[point] / TRIALS);
      double hipRse = Math.sqrt(hipSquares[point] / TRIALS);
      double compositeRse = Math.sqrt(compositeSquares[point] / TRIALS);
      System.out.printf(
          "%10d %10.5f %10.5f %12.5f %12.5f %8.2f %8.2f%n",
          n, bias, rse, hipRse, compositeRse, rse / hipRse, rse / compositeRse);

      // Mean relative error: within 3 standard errors of the mean (at most the theoretical RSE / √trials).
      assertThat(Math.abs(bias)).as("bias at n=%d", n).isLessThan(3 * THEORETICAL_RSE / Math.sqrt(TRIALS));
      // Below 10m the error is at or below the asymptotic one (linear-counting regime).
      assertThat(rse).as("RSE at n=%d", n).isLessThan(1.1 * THEORETICAL_RSE);
      if (n >= 10L * M) {
        // A single checkpoint's RSE from 100 trials has ~7% sampling noise (1/√200): ±25% is a >3σ band.
        assertThat(rse / THEORETICAL_RSE).as("RSE ratio at n=%d", n).isBetween(0.75, 1.25);
        largeSquares += oursSquares[point];
        largeCompositeSquares += compositeSquares[point];
        largePoints++;
      }
      // Against DataSketches' non-HIP estimator at every n; the slack 0.002 covers the near-exact small range.
      assertThat(rse).as("RSE vs DataSketches composite at n=%d", n).isLessThanOrEqualTo(1.25 * compositeRse + 0.002);
    }
    double pooledRse = Math.sqrt(largeSquares / (TRIALS * largePoints));
    double pooledCompositeRse = Math.sqrt(largeCompositeSquares / (TRIALS * largePoints));
    System.out.printf(
        "pooled over n >= 10m: ours %.5f (%.3f x theory), DataSketches composite %.5f, ratio %.3f%n",
        pooledRse, pooledRse / THEORETICAL_RSE, pooledCompositeRse, pooledRse / pooledCompositeRse);
    assertThat(pooledRse / THEORETICAL_RSE).isBetween(0.9, 1.1);
    assertThat(pooledRse).isLessThanOrEqualTo(1.1 * pooledCompositeRse);
    assertThat(smallExact).as("every estimate at n <= 100 rounds to n").isTrue();
  }
}
