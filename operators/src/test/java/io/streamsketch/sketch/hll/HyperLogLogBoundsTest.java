package io.streamsketch.sketch.hll;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The bounds cover the true number of distinct items as often as they claim, in sparse and dense mode, with HIP state
 * (updates only) and without (merged), and are as narrow as the sparse mode's real error allows.
 *
 * <p>Each bound at {@code k} standard deviations is one-sided at level {@code q = P(Z > k)}: over T independent
 * sketches (different seeds and items), the number of times the truth falls outside it is at most Binomial(T, q)
 * if the bound is valid. Each of the 6 checks per case (k = 1, 2, 3, each side) fails above the binomial quantile
 * at level 0.001 / (6 · cases), so the whole test's significance level is at most 0.001 (Bonferroni).
 */
class HyperLogLogBoundsTest {
  private static final int PRECISION = 12;
  private static final int TRIALS = 1_000;
  private static final long[] CARDINALITIES = {1, 10, 100, 384, 390, 500, 2_000, 4_096, 20_000, 100_000};
  private static final double ALPHA = 0.001 / (6.0 * 2 * CARDINALITIES.length);
  /** P(Z > k) for a standard normal Z, k = 0..3. */
  private static final double[] NORMAL_UPPER_TAIL = {0.5, 0.158655, 0.0227501, 0.0013499};

  static List<Arguments> cases() {
    List<Arguments> cases = new ArrayList<>();
    for (long n : CARDINALITIES) {
      cases.add(Arguments.of(n, false));
      cases.add(Arguments.of(n, true));
    }
    return cases;
  }

  @ParameterizedTest(name = "n = {0}, merged {1}")
  @MethodSource("cases")
  void theBoundsCoverTheTruthAsOftenAsTheyClaim(long n, boolean merged) {
    int[] belowLower = new int[4];
    int[] aboveUpper = new int[4];
    boolean sawSparse = false;
    boolean sawDense = false;
    for (int trial = 0; trial < TRIALS; trial++) {
      HyperLogLog sketch = sketchOf(n, trial, merged);
      sawSparse |= sketch.isSparse();
      sawDense |= !sketch.isSparse();
      for (int k = 1; k <= 3; k++) {
        double lower = sketch.lowerBound(k);
        double upper = sketch.upperBound(k);
        assertThat(lower).isLessThanOrEqualTo(sketch.estimate()).isLessThanOrEqualTo(upper);
        if (n < lower) {
          belowLower[k]++;
        }
        if (n > upper) {
          aboveUpper[k]++;
        }
      }
    }
    for (int k = 1; k <= 3; k++) {
      int allowed = binomialUpperQuantile(TRIALS, NORMAL_UPPER_TAIL[k], ALPHA);
      String mode = sawSparse && sawDense ? "sparse and dense" : sawSparse ? "sparse" : "dense";
      assertThat(belowLower[k]).as("n = %d (%s), truth below the lower bound at %d sd", n, mode, k).isLessThanOrEqualTo(allowed);
      assertThat(aboveUpper[k]).as("n = %d (%s), truth above the upper bound at %d sd", n, mode, k).isLessThanOrEqualTo(allowed);
    }
  }

  /** While sparse, the entries are (almost always) the truth: bounds at 3 sd are at most one apart. */
  @ParameterizedTest(name = "n = {0}, merged {1}")
  @MethodSource("cases")
  void sparseBoundsAreAsNarrowAsTheSparseErrorAllows(long n, boolean merged) {
    for (int trial = 0; trial < 100; trial++) {
      HyperLogLog sketch = sketchOf(n, trial, merged);
      if (!sketch.isSparse()) {
        return;
      }
      assertThat(sketch.lowerBound(3)).as("n = %d, trial %d", n, trial).isGreaterThanOrEqualTo(n - 1);
      assertThat(sketch.upperBound(3) - sketch.lowerBound(3)).as("n = %d, trial %d", n, trial).isLessThanOrEqualTo(1);
    }
  }

  /** n distinct items of a range of its own, into a sketch with a seed of its own; merged from two halves if asked. */
  private static HyperLogLog sketchOf(long n, int trial, boolean merged) {
    HyperLogLog sketch = HyperLogLog.create(PRECISION, trial);
    HyperLogLog other = HyperLogLog.create(PRECISION, trial);
    long first = (long) trial << 32;
    for (long i = 0; i < n; i++) {
      (merged && i % 2 == 1 ? other : sketch).update(first + i);
    }
    if (merged) {
      sketch.merge(other);
    }
    return sketch;
  }

  /** The smallest c with P(Binomial(trials, p) > c) ≤ alpha. */
  private static int binomialUpperQuantile(int trials, double p, double alpha) {
    double logP = Math.log(p);
    double logQ = Math.log1p(-p);
    double cumulative = 0;
    double logChoose = 0;
    for (int c = 0; c <= trials; c++) {
      if (c > 0) {
        logChoose += Math.log((double) (trials - c + 1) / c);
      }
      cumulative += Math.exp(logChoose + c * logP + (trials - c) * logQ);
      if (1 - cumulative <= alpha) {
        return c;
      }
    }
    return trials;
  }
}
