package io.streamsketch.learning.regression;

import java.util.Arrays;

/**
 * Streaming linear regression by mini-batch gradient descent, as Spark MLlib's {@code
 * StreamingLinearRegressionWithSGD} with a mini-batch fraction of 1: on each batch of m points, {@code iterations}
 * steps of
 *
 * <pre>
 *   w ← w − (η/√i) · ( (1/m) Σ (w·x − y)·x + λ·w )      i = 1, 2, … within the batch
 * </pre>
 *
 * the gradient of the mean squared loss (1/2m) Σ (w·x − y)² plus (λ/2)‖w‖². The weights start at 0. On a stationary
 * stream with a step below 2 / (the largest eigenvalue of E[xxᵀ] + λ) the weights converge to a neighbourhood of the
 * ridge solution (E[xxᵀ] + λI)⁻¹E[xy], whose size shrinks with the step and grows with the noise; repeated on one
 * batch they converge to that batch's ridge solution. Unlike {@link BayesianLinearRegression} it gives no
 * uncertainty. Points must be finite; scale features to similar ranges, or the step that is stable for the largest
 * is slow for the rest.
 */
public final class SgdLinearRegression implements LinearRegressionModel {
  private final SgdParameters parameters;
  private final double[] weights;
  private long batches;
  private long points;

  private SgdLinearRegression(SgdParameters parameters, double[] weights, long batches, long points) {
    this.parameters = parameters;
    this.weights = weights;
    this.batches = batches;
    this.points = points;
  }

  public static SgdLinearRegression create(SgdParameters parameters) {
    return new SgdLinearRegression(parameters, new double[parameters.dimension()], 0, 0);
  }

  static SgdLinearRegression restore(SgdParameters parameters, double[] weights, long batches, long points) {
    return new SgdLinearRegression(parameters, weights, batches, points);
  }

  @Override
  public void update(LabeledPoint[] batch) {
    int d = parameters.dimension();
    LinearRegressionModel.checkBatch(batch, d);
    if (batch.length == 0) {
      batches++;
      return;
    }
    double[] next = weights.clone();
    double[] gradient = new double[d];
    for (int iteration = 1; iteration <= parameters.iterations(); iteration++) {
      Arrays.fill(gradient, 0);
      for (LabeledPoint point : batch) {
        double residual = -point.label;
        for (int i = 0; i < d; i++) {
          residual += next[i] * point.features[i];
        }
        for (int i = 0; i < d; i++) {
          gradient[i] += residual * point.features[i];
        }
      }
      double step = parameters.stepSize() / Math.sqrt(iteration);
      for (int i = 0; i < d; i++) {
        next[i] -= step * (gradient[i] / batch.length + parameters.l2() * next[i]);
      }
    }
    for (double w : next) {
      if (!Double.isFinite(w)) {
        // The model keeps its last finite weights: a diverged step is a configuration error, not a new state.
        throw new ArithmeticException(
            "SGD diverged (a weight would be " + w + "): the step size " + parameters.stepSize()
                + " is too large for the scale of the features");
      }
    }
    System.arraycopy(next, 0, weights, 0, d);
    batches++;
    points += batch.length;
  }

  @Override
  public SgdParameters parameters() {
    return parameters;
  }

  @Override
  public int dimension() {
    return parameters.dimension();
  }

  @Override
  public double[] weights() {
    return weights.clone();
  }

  @Override
  public long batches() {
    return batches;
  }

  @Override
  public long points() {
    return points;
  }

  public SgdLinearRegression copy() {
    return new SgdLinearRegression(parameters, weights.clone(), batches, points);
  }

  /** The versioned binary format, see {@link RegressionFormat}. */
  public byte[] toBytes() {
    return RegressionFormat.write(this);
  }

  public static SgdLinearRegression fromBytes(byte[] bytes) {
    return RegressionFormat.readSgd(bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SgdLinearRegression other
        && parameters.equals(other.parameters)
        && Arrays.equals(weights, other.weights)
        && batches == other.batches
        && points == other.points;
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(weights) * 31 + Long.hashCode(batches);
  }

  @Override
  public String toString() {
    return "SgdLinearRegression{" + parameters + ", batches=" + batches + ", w=" + Arrays.toString(weights) + "}";
  }
}
