package io.streamsketch.learning.regression;

import java.io.Serializable;

/**
 * The validated parameters of {@link BayesianLinearRegression}: the model y = w·x + ε with ε ~ N(0, 1/β) and the
 * prior w ~ N(0, (1/α)·I).
 *
 * @param dimension number of features, at least 1
 * @param priorPrecision α &gt; 0: the prior's precision per weight (small is a weak prior)
 * @param noisePrecision β &gt; 0: 1 / the noise variance, assumed known
 */
public record BayesianParameters(int dimension, double priorPrecision, double noisePrecision)
    implements Serializable {
  /** The posterior keeps a d × d matrix, so d is kept small. */
  public static final int MAX_DIMENSION = 1_000;

  public BayesianParameters {
    if (dimension < 1 || dimension > MAX_DIMENSION) {
      throw new IllegalArgumentException("dimension must be in [1, " + MAX_DIMENSION + "]: " + dimension);
    }
    if (!(priorPrecision > 0) || Double.isInfinite(priorPrecision)) {
      throw new IllegalArgumentException("prior precision must be positive and finite: " + priorPrecision);
    }
    if (!(noisePrecision > 0) || Double.isInfinite(noisePrecision)) {
      throw new IllegalArgumentException("noise precision must be positive and finite: " + noisePrecision);
    }
  }
}
