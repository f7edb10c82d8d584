package io.streamsketch.model;

import java.util.Arrays;

/**
 * A streaming linear regression model after one mini-batch (one event-time window): its weights and, for the
 * Bayesian model, their posterior standard deviations and 95 % credible intervals. Each batch is its own result,
 * keyed by ({@code model}, {@code batchEnd}).
 */
public class RegressionWeights extends ModelBatch {
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
  public String toJson() {
    return batchFields()
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
        && sameBatch(that)
        && Double.compare(batchMeanSquaredError, that.batchMeanSquaredError) == 0
        && Arrays.equals(weights, that.weights)
        && Arrays.equals(standardDeviations, that.standardDeviations)
        && Arrays.equals(lower95, that.lower95)
        && Arrays.equals(upper95, that.upper95);
  }
}
