package io.streamsketch.sketch.hll;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;
import org.junit.jupiter.api.Test;

/**
 * Accuracy at p = 12 against DataSketches' HllSketch (HLL_8, lgK = 12) fed the very same items: our {@link
 * HyperLogLog#estimate()} (HIP on a single stream) against their default {@code getEstimate()} (also HIP on an
 * unmerged sketch), and our {@link HyperLogLog#registerEstimate()} (Ertl) against its theory.
 *
 * <p>Each trial's items are consecutive longs from a trial-specific offset, so trials are independent for both
 * sketches (DataSketches' seed is fixed) and the test takes no random source. The two sketches use different hash
 * bits for the register and the rank, so their errors are independent and the measured ratio of their RSEs carries
 * the sampling noise of both: about {@code 1/√trials}. Short streams are cheap, so more trials stop at 10^5 and 10^6
 * than run to 10^7: {@link #TRIALS} trials reach 10^7, {@link #TRIALS_TO_1M} reach 10^6, {@link #TRIALS_TO_100K} reach
 * 10^5.
 */
class HyperLogLogAccuracyTest {
  private static final int PRECISION = 12;
  private static final int M = 1 << PRECISION;
  private static final int TRIALS = 100;
  private static final int TRIALS_TO_1M = 400;
  private static final int TRIALS_TO_100K = 1_000;
  /** Checkpoints along each growing stream, including 2.5m and 5m where classic HLL has its bias hole. */
  private static final long[] CHECKPOINTS = {
    1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_240, 20_480, 50_000, 100_000, 200_000, 500_000,
    1_000_000, 2_000_000, 5_000_000, 10_000_000
  };
  /** Ertl's estimator, like any estimator from the registers alone: 1.04/√m. */
  private static final double REGISTER_RSE = 1.04 / Math.sqrt(M);
  /** HIP on HLL registers for large n: the variance is Σ_t (1 − P_t)/P_t ≈ Σ_t 2·ln 2·t/m ≈ ln 2·n²/m. */
  private static final double HIP_RSE = Math.sqrt(Math.log(2)) / Math.sqrt(M);
  /**
   * Added to DataSketches' RSE in the ratio check; it matters only up to n = 200, where both are exact or nearly (ours
   * HIP over 2^25 sparse buckets is off by ~1e-6, DataSketches' list mode by 0).
   */
  private static final double TINY_N_SLACK = 1e-4;

  private static long streamLength(int trial) {
    return trial < TRIALS ? 10_000_000 : trial < TRIALS_TO_1M ? 1_000_000 : 100_000;
  }

  @Test
  void hipIsNoWorseThanDataSketchesHipAndTheRegisterEstimateMatchesItsTheory() {
    int points = CHECKPOINTS.length;
    int[] trials = new int[points];
    double[] hipSum = new double[points];
    double[] hipSquares = new double[points];
    double[] registerSum = new double[points];
    double[] registerSquares = new double[points];
    double[] theirsSum = new double[points];
    double[] theirsSquares = new double[points];
    boolean smallExact = true;
    for (int trial = 0; trial < TRIALS_TO_100K; trial++) {
      HyperLogLog ours = HyperLogLog.create(PRECISION);
      HllSketch theirs = new HllSketch(PRECISION, TgtHllType.HLL_8);
      long offset = (long) trial << 40;
      long n = 0;
      for (int point = 0; point < points && CHECKPOINTS[point] <= streamLength(trial); point++) {
        for (; n < CHECKPOINTS[point]; n++) {
          ours.update(offset + n);
          theirs.update(offset + n);
        }
        trials[point]++;
        double hip = ours.estimate() / n - 1;
        hipSum[point] += hip;
        hipSquares[point] += hip * hip;
        double register = ours.registerEstimate() / n - 1;
        registerSum[point] += register;
        registerSquares[point] += register * register;
        double other = theirs.getEstimate() / n - 1;
        theirsSum[point] += other;
        theirsSquares[point] += other * other;
        if (n <= 100 && (Math.round(ours.estimate()) != n || Math.round(ours.registerEstimate()) != n)) {
          smallExact = false;
        }
      }
    }

    System.out.printf(
        "HLL p=%d; HIP theory sqrt(ln 2)/sqrt(m) = %.5f, register theory 1.04/sqrt(m) = %.5f%n"
            + "%10s %7s %10s %10s %10s %10s %10s %10s %8s%n",
        PRECISION, HIP_RSE, REGISTER_RSE, "n", "trials", "HIP bias", "HIP RSE", "DS bias", "DS RSE", "Ertl bias",
        "Ertl RSE", "HIP/DS");
    double largeHip = 0;
    double largeTheirs = 0;
    double largeRegister = 0;
    int largePoints = 0;
    for (int point = 0; point < points; point++) {
      long n = CHECKPOINTS[point];
      int count = trials[point];
      double hipBias = hipSum[point] / count;
      double hipRse = Math.sqrt(hipSquares[point] / count);
      double theirsRse = Math.sqrt(theirsSquares[point] / count);
      double registerBias = registerSum[point] / count;
      double registerRse = Math.sqrt(registerSquares[point] / count);
      System.out.printf(
          "%10d %7d %10.5f %10.5f %10.5f %10.5f %10.5f %10.5f %8.3f%n",
          n, count, hipBias, hipRse, theirsSum[point] / count, theirsRse, registerBias, registerRse,
          hipRse / theirsRse);

      // The target, at every cardinality.
      assertThat(hipRse)
          .as("HIP RSE vs DataSketches HIP at n=%d", n)
          .isLessThanOrEqualTo(1.1 * theirsRse + TINY_N_SLACK);
      // Mean relative errors within 3 standard errors of the mean (at most the asymptotic RSE / √trials).
      assertThat(Math.abs(hipBias)).as("HIP bias at n=%d", n).isLessThan(3 * HIP_RSE / Math.sqrt(count));
      assertThat(Math.abs(registerBias)).as("Ertl bias at n=%d", n).isLessThan(3 * REGISTER_RSE / Math.sqrt(count));
      // Below 10m both are at or below their asymptotic error.
      assertThat(hipRse).as("HIP RSE at n=%d", n).isLessThan(1.1 * HIP_RSE);
      assertThat(registerRse).as("Ertl RSE at n=%d", n).isLessThan(1.1 * REGISTER_RSE);
      if (n >= 10L * M) {
        // One checkpoint's RSE from 100 trials has ~7% sampling noise (1/√200): ±25% is a >3σ band.
        assertThat(hipRse / HIP_RSE).as("HIP RSE ratio at n=%d", n).isBetween(0.75, 1.25);
        assertThat(registerRse / REGISTER_RSE).as("Ertl RSE ratio at n=%d", n).isBetween(0.75, 1.25);
        largeHip += hipSquares[point] / count;
        largeTheirs += theirsSquares[point] / count;
        largeRegister += registerSquares[point] / count;
        largePoints++;
      }
    }
    double pooledHip = Math.sqrt(largeHip / largePoints);
    double pooledTheirs = Math.sqrt(largeTheirs / largePoints);
    double pooledRegister = Math.sqrt(largeRegister / largePoints);
    System.out.printf(
        "pooled over n >= 10m: HIP %.5f (%.3f x theory), DataSketches HIP %.5f (%.3f x theory), HIP/DS %.3f, "
            + "Ertl %.5f (%.3f x theory)%n",
        pooledHip, pooledHip / HIP_RSE, pooledTheirs, pooledTheirs / HIP_RSE, pooledHip / pooledTheirs,
        pooledRegister, pooledRegister / REGISTER_RSE);
    assertThat(pooledHip / HIP_RSE).as("pooled HIP RSE / theory").isBetween(0.9, 1.1);
    assertThat(pooledHip / pooledTheirs).as("pooled HIP RSE / DataSketches HIP RSE").isBetween(0.9, 1.1);
    assertThat(pooledRegister / REGISTER_RSE).as("pooled Ertl RSE / theory").isBetween(0.9, 1.1);
    assertThat(smallExact).as("every estimate at n <= 100 rounds to n").isTrue();
  }
}
