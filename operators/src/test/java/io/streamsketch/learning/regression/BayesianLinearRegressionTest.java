package io.streamsketch.learning.regression;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.streamsketch.sketch.testing.Binomial;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BayesianLinearRegressionTest {
  private static final double[] TRUE_WEIGHTS = {1.5, 2.0, -1.0, 0.5};

  @Test
  void thePosteriorAfterAllBatchesIsTheBatchClosedFormToNumericalPrecision() {
    double alpha = 0.5;
    double beta = 4;
    LabeledPoint[] all = new LinearData(TRUE_WEIGHTS, 0.5, 1).batch(1_000);
    // Uneven batches, an empty one among them.
    int[] sizes = {1, 0, 7, 92, 300, 600};
    BayesianLinearRegression model = BayesianLinearRegression.create(new BayesianParameters(4, alpha, beta));
    int at = 0;
    for (int size : sizes) {
      model.update(Arrays.copyOfRange(all, at, at + size));
      at += size;
    }
    assertThat(at).isEqualTo(all.length);
    // μ = (αI + βXᵀX)⁻¹·βXᵀy and Σ = (αI + βXᵀX)⁻¹, by an independent solver.
    double[] mean = LinearData.closedForm(all, alpha, beta);
    double[] variances = LinearData.closedFormInverseDiagonal(all, alpha, beta);
    double[] posteriorMean = model.weights();
    double[] sd = model.standardDeviations();
    for (int i = 0; i < 4; i++) {
      assertThat(posteriorMean[i]).as("mean %d", i).isCloseTo(mean[i], within(1e-9 * Math.abs(mean[i])));
      assertThat(sd[i] * sd[i]).as("variance %d", i).isCloseTo(variances[i], within(1e-9 * variances[i]));
    }
    assertThat(model.batches()).isEqualTo(sizes.length);
    assertThat(model.points()).isEqualTo(1_000);
  }

  @Test
  void theMeanConvergesToTheTrueWeightsAndTheUncertaintyShrinks() {
    BayesianLinearRegression model = BayesianLinearRegression.create(new BayesianParameters(4, 1e-6, 1 / 0.04));
    LinearData data = new LinearData(TRUE_WEIGHTS, 0.2, 2);
    model.update(data.batch(20));
    double[] early = model.standardDeviations();
    for (int batch = 0; batch < 200; batch++) {
      model.update(data.batch(50));
    }
    double[] w = model.weights();
    double[] sd = model.standardDeviations();
    for (int i = 0; i < 4; i++) {
      // σ/√n ≈ 0.2/√10020 ≈ 0.002: within 5 standard deviations.
      assertThat(w[i]).as("weight %d", i).isCloseTo(TRUE_WEIGHTS[i], within(5 * sd[i]));
      assertThat(sd[i]).isLessThan(early[i] / 10);
    }
  }

  /**
   * Over seeded replicates whose true weights are drawn from the prior and whose noise has precision β, the model is
   * exact, so each weight's 95 % credible interval covers it with probability 0.95 in each replicate, independently
   * across replicates. The number of misses of each weight must be a plausible Binomial(R, 0.05) count: a two-sided
   * test at overall significance α = 0.001 (Bonferroni over 4 weights and 2 sides). The same test rejects intervals
   * half as wide (overconfident) and twice as wide, so it has the power to see a wrong variance.
   */
  @Test
  void theCredibleIntervalsCoverTheTrueWeightsAtTheirNominalRate() {
    int replicates = 2_000;
    int d = 4;
    double alpha = 1;
    double beta = 4;
    double perTail = 0.001 / (2 * d);
    int maxMisses = Binomial.upperQuantile(replicates, 0.05, perTail);
    int minMisses = Binomial.lowerQuantile(replicates, 0.05, perTail);
    int[] misses = new int[d];
    int[] missesHalfWidth = new int[d];
    int[] missesDoubleWidth = new int[d];
    Random prior = new Random(12);
    for (int r = 0; r < replicates; r++) {
      double[] truth = new double[d];
      for (int i = 0; i < d; i++) {
        truth[i] = prior.nextGaussian() / Math.sqrt(alpha);
      }
      LinearData data = new LinearData(truth, 1 / Math.sqrt(beta), 1_000 + r);
      BayesianLinearRegression model = BayesianLinearRegression.create(new BayesianParameters(d, alpha, beta));
      for (int batch = 0; batch < 3; batch++) {
        model.update(data.batch(4));
      }
      double[] mean = model.weights();
      double[] sd = model.standardDeviations();
      for (int i = 0; i < d; i++) {
        double z = Math.abs(truth[i] - mean[i]) / sd[i];
        misses[i] += z > BayesianLinearRegression.Z_95 ? 1 : 0;
        missesHalfWidth[i] += z > BayesianLinearRegression.Z_95 / 2 ? 1 : 0;
        missesDoubleWidth[i] += z > BayesianLinearRegression.Z_95 * 2 ? 1 : 0;
      }
    }
    for (int i = 0; i < d; i++) {
      assertThat(misses[i]).as("misses of weight %d of %d", i, replicates).isBetween(minMisses, maxMisses);
      assertThat(missesHalfWidth[i]).isGreaterThan(maxMisses);
      assertThat(missesDoubleWidth[i]).isLessThan(minMisses);
    }
  }

  @Test
  void invalidPointsLeaveThePosteriorUnchanged() {
    BayesianLinearRegression model = BayesianLinearRegression.create(new BayesianParameters(2, 1, 1));
    model.update(new LabeledPoint[] {new LabeledPoint(new double[] {1, 2}, 3)});
    BayesianLinearRegression before = model.copy();
    assertThatThrownBy(
            () -> model.update(
                new LabeledPoint[] {
                  new LabeledPoint(new double[] {1, 1}, 1), new LabeledPoint(new double[] {1, Double.POSITIVE_INFINITY}, 1)
                }))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("feature 1");
    assertThat(model).isEqualTo(before);
    assertThatThrownBy(() -> new BayesianParameters(2, 0, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new BayesianParameters(2, 1, Double.NaN)).isInstanceOf(IllegalArgumentException.class);
  }
}
