package io.streamsketch.learning.regression;

import java.io.Serializable;

/**
 * The validated parameters of {@link SgdLinearRegression}.
 *
 * @param dimension number of features, at least 1
 * @param stepSize η &gt; 0, the step of the first iteration on each batch
 * @param l2 λ ≥ 0, the L2 penalty (λ/2)·‖w‖² added to the mean squared loss; 0 for none
 * @param iterations gradient steps per batch, at least 1; step i of a batch is η/√i, as Spark's GradientDescent
 */
public record SgdParameters(int dimension, double stepSize, double l2, int iterations) implements Serializable {
  public static final int MAX_DIMENSION = 10_000;
  public static final int MAX_ITERATIONS = 10_000;

  public SgdParameters {
    if (dimension < 1 || dimension > MAX_DIMENSION) {
      throw new IllegalArgumentException("dimension must be in [1, " + MAX_DIMENSION + "]: " + dimension);
    }
    if (!(stepSize > 0) || Double.isInfinite(stepSize)) {
      throw new IllegalArgumentException("step size must be positive and finite: " + stepSize);
    }
    if (!(l2 >= 0) || Double.isInfinite(l2)) {
      throw new IllegalArgumentException("L2 penalty must be finite and not negative: " + l2);
    }
    if (iterations < 1 || iterations > MAX_ITERATIONS) {
      throw new IllegalArgumentException("iterations must be in [1, " + MAX_ITERATIONS + "]: " + iterations);
    }
  }
}
