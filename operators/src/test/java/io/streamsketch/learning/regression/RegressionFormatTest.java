package io.streamsketch.learning.regression;

import static io.streamsketch.sketch.testing.SerializationChecks.assertRejectsTruncationAndFlips;
import static io.streamsketch.sketch.testing.SerializationChecks.editedWithValidChecksum;
import static io.streamsketch.sketch.testing.SerializationChecks.withFamilyId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamsketch.sketch.SketchFamily;
import io.streamsketch.sketch.SketchFormatException;
import org.junit.jupiter.api.Test;

class RegressionFormatTest {
  /** Offsets after the 4-byte envelope header (see RegressionFormat). */
  private static final int SGD_STEP_AT = 8;

  private static final int BAYES_FIRST_PRECISION_AT = 4 + 4 + 8 + 8 + 8 + 8;

  private static SgdLinearRegression sgd() {
    SgdLinearRegression model = SgdLinearRegression.create(new SgdParameters(3, 0.05, 0.01, 2));
    model.update(new LinearData(new double[] {1, 2, 3}, 0.1, 1).batch(30));
    return model;
  }

  private static BayesianLinearRegression bayesian() {
    BayesianLinearRegression model = BayesianLinearRegression.create(new BayesianParameters(3, 0.5, 2));
    model.update(new LinearData(new double[] {1, 2, 3}, 0.1, 2).batch(30));
    return model;
  }

  @Test
  void modelsRoundTripExactlyAndContinueAsTheOriginal() {
    SgdLinearRegression sgd = sgd();
    SgdLinearRegression sgdRead = SgdLinearRegression.fromBytes(sgd.toBytes());
    assertThat(sgdRead).isEqualTo(sgd);
    BayesianLinearRegression bayes = bayesian();
    BayesianLinearRegression bayesRead = BayesianLinearRegression.fromBytes(bayes.toBytes());
    assertThat(bayesRead).isEqualTo(bayes);
    assertThat(bayesRead.toBytes()).isEqualTo(bayes.toBytes());
    LabeledPoint[] next = new LinearData(new double[] {1, 2, 3}, 0.1, 3).batch(10);
    sgd.update(next);
    sgdRead.update(next);
    bayes.update(next);
    bayesRead.update(next);
    assertThat(sgdRead).isEqualTo(sgd);
    assertThat(bayesRead.weights()).containsExactly(bayes.weights());
    BayesianLinearRegression prior = BayesianLinearRegression.create(new BayesianParameters(1, 1, 1));
    assertThat(BayesianLinearRegression.fromBytes(prior.toBytes())).isEqualTo(prior);
  }

  @Test
  void corruptBytesAreRejected() {
    byte[] sgd = sgd().toBytes();
    byte[] bayes = bayesian().toBytes();
    assertRejectsTruncationAndFlips(sgd, SgdLinearRegression::fromBytes);
    assertRejectsTruncationAndFlips(bayes, BayesianLinearRegression::fromBytes);
    assertThatThrownBy(() -> SgdLinearRegression.fromBytes(withFamilyId(sgd, SketchFamily.BAYESIAN_REGRESSION.id())))
        .isInstanceOf(SketchFormatException.class)
        .hasMessageContaining("expected a SGD_REGRESSION");
    assertThatThrownBy(
            () -> SgdLinearRegression.fromBytes(editedWithValidChecksum(sgd, b -> b.putDouble(SGD_STEP_AT, -1))))
        .isInstanceOf(SketchFormatException.class)
        .hasMessageContaining("step size");
    assertThatThrownBy(
            () -> BayesianLinearRegression.fromBytes(
                editedWithValidChecksum(bayes, b -> b.putDouble(BAYES_FIRST_PRECISION_AT, -5))))
        .isInstanceOf(SketchFormatException.class)
        .hasMessageContaining("not positive definite");
    assertThatThrownBy(
            () -> BayesianLinearRegression.fromBytes(
                editedWithValidChecksum(bayes, b -> b.putDouble(bayes.length - 12, Double.NaN))))
        .isInstanceOf(SketchFormatException.class)
        .hasMessageContaining("shift entry 2");
  }
}
