package io.streamsketch.model;

import java.util.Arrays;
import java.util.Objects;

/**
 * A streaming linear regression model after one mini-batch (one event-time window): its weights and, for the
 * Bayesian model, their posterior standard deviations and 95 % credible intervals. Each batch is its own result,
 * keyed by ({@code model}, {@code batchEnd}).
 */
public class RegressionWeights implements Result {
  /** The model's key (the key of the stream it learns from). */
  public String model;
  /** The batch's event-time window, epoch milliseconds, end exclusive. */
  public long batchStart;
  public long batchEnd;
  /** Batches this model has applied, this one included. */
  public long batch;
  /** Points of this batch applied to the model. */
  public long points;
  /** Points of this batch left out because their features or label were invalid (wrong length, not finite). */
  public long rejectedPoints;
  /** Points applied over the model's life. */
  public long totalPoints;
  /**
   * Mean squared error of this batch's labels under the model <em>before</em> it learned from them (prequential
   * error: an honest out-of-sample measure); NaN (null in JSON) for an empty batch.
   */
  public double batchMeanSquaredError;
  /** The weights after the batch (the posterior mean for the Bayesian model). */
  public double[] weights;
  /** Posterior standard deviation of each weight; null for SGD, which has none. */
  public double[] standardDeviations;
  /** Bounds of the central 95 % posterior credible interval of each weight; null for SGD. */
  public double[] lower95;
  public double[] upper95;

  public RegressionWeights() {}

  @Override
  public String key() {
    return model + "@" + batchEnd;
  }

  @Override
  public String toJson() {
    return Json.object()
        .field("model", model)
        .field("batchStart", batchStart)
        .field("batchEnd", batchEnd)
        .field("batch", batch)
        .field("points", points)
        .field("rejectedPoints", rejectedPoints)
        .field("totalPoints", totalPoints)
        .field("batchMeanSquaredError", batchMeanSquaredError)
        .field("weights", weights)
        .field("standardDeviations", standardDeviations)
        .field("lower95", lower95)
        .field("upper95", upper95)
        .toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RegressionWeights that
        && batchStart == that.batchStart
        && batchEnd == that.batchEnd
        && batch == that.batch
        && points == that.points
        && rejectedPoints == that.rejectedPoints
        && totalPoints == that.totalPoints
        && Double.compare(batchMeanSquaredError, that.batchMeanSquaredError) == 0
        && Objects.equals(model, that.model)
        && Arrays.equals(weights, that.weights)
        && Arrays.equals(standardDeviations, that.standardDeviations)
        && Arrays.equals(lower95, that.lower95)
        && Arrays.equals(upper95, that.upper95);
  }

  @Override
  public int hashCode() {
    return key().hashCode();
  }

  @Override
  public String toString() {
    return toJson();
  }
}
