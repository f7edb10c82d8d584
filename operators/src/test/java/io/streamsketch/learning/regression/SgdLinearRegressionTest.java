package io.streamsketch.learning.regression;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class SgdLinearRegressionTest {
  private static final double[] TRUE_WEIGHTS = {1.5, 2.0, -1.0, 0.5};

  @Test
  void theWeightsConvergeToTheTrueOnes() {
    SgdLinearRegression model = SgdLinearRegression.create(new SgdParameters(4, 0.1, 0, 1));
    LinearData data = new LinearData(TRUE_WEIGHTS, 0.2, 1);
    for (int batch = 0; batch < 500; batch++) {
      model.update(data.batch(50));
    }
    // A constant step leaves a neighbourhood of about √(η·σ²/(2m)) ≈ 0.01 per weight around the optimum.
    double[] w = model.weights();
    for (int i = 0; i < 4; i++) {
      assertThat(w[i]).as("weight %d", i).isCloseTo(TRUE_WEIGHTS[i], within(0.05));
    }
    assertThat(model.points()).isEqualTo(25_000);
    assertThat(model.batches()).isEqualTo(500);
  }

  @Test
  void repeatedOnOneBatchItReachesThatBatchsRidgeSolution() {
    double l2 = 0.3;
    LabeledPoint[] batch = new LinearData(TRUE_WEIGHTS, 1.0, 2).batch(40);
    SgdLinearRegression model = SgdLinearRegression.create(new SgdParameters(4, 0.2, l2, 1));
    for (int i = 0; i < 3_000; i++) {
      model.update(batch);
    }
    // The minimum of (1/2m)‖Xw − y‖² + (λ/2)‖w‖² solves (λ·I + XᵀX/m)·w = Xᵀy/m.
    double[] ridge = LinearData.closedForm(batch, l2, 1.0 / batch.length);
    assertThat(model.weights()).containsExactly(ridge, within(1e-9));
  }

  @Test
  void anL2PenaltyShrinksTheWeights() {
    LabeledPoint[] batch = new LinearData(TRUE_WEIGHTS, 0.5, 3).batch(200);
    SgdLinearRegression plain = SgdLinearRegression.create(new SgdParameters(4, 0.1, 0, 50));
    SgdLinearRegression ridge = SgdLinearRegression.create(new SgdParameters(4, 0.1, 1.0, 50));
    for (int i = 0; i < 20; i++) {
      plain.update(batch);
      ridge.update(batch);
    }
    assertThat(norm(ridge.weights())).isLessThan(0.7 * norm(plain.weights()));
  }

  @Test
  void aDivergingStepFailsAndKeepsTheLastWeights() {
    SgdLinearRegression model = SgdLinearRegression.create(new SgdParameters(4, 1e200, 0, 5));
    LabeledPoint[] batch = new LinearData(TRUE_WEIGHTS, 0.5, 4).batch(20);
    assertThatThrownBy(() -> model.update(batch))
        .isInstanceOf(ArithmeticException.class)
        .hasMessageContaining("step size");
    assertThat(model.weights()).containsOnly(0.0);
    assertThat(model.batches()).isZero();
  }

  @Test
  void invalidPointsAndParametersAreRejected() {
    SgdLinearRegression model = SgdLinearRegression.create(new SgdParameters(2, 0.1, 0, 1));
    assertThatThrownBy(() -> model.update(new LabeledPoint[] {new LabeledPoint(new double[] {1}, 1)}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected 2");
    assertThatThrownBy(() -> model.update(new LabeledPoint[] {new LabeledPoint(new double[] {1, 2}, Double.NaN)}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("label");
    assertThat(model.batches()).isZero();
    assertThatThrownBy(() -> new SgdParameters(2, 0, 0, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new SgdParameters(2, 0.1, -1, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new SgdParameters(2, 0.1, 0, 0)).isInstanceOf(IllegalArgumentException.class);
  }

  private static double norm(double[] w) {
    double s = 0;
    for (double v : w) {
      s += v * v;
    }
    return Math.sqrt(s);
  }
}
