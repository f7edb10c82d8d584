package io.streamsketch.learning.kmeans;

import java.io.Serializable;

/**
 * The validated parameters of a {@link StreamingKMeans} model; serializable, as Flink functions carry them.
 *
 * @param k number of centres, at least 1
 * @param dimension length of every point, at least 1
 * @param decayFactor α in [0, 1]: 1 weighs all history equally, 0 keeps only the last batch
 * @param decayUnit whether α applies per batch or per point
 * @param seed seeds the choice of the initial centres (k-means++ on the first non-empty batch)
 */
public record KMeansParameters(int k, int dimension, double decayFactor, DecayUnit decayUnit, long seed)
    implements Serializable {
  /** Larger k or dimension is a configuration mistake, and bounds what a corrupt state may ask to allocate. */
  public static final int MAX_K = 10_000;

  public static final int MAX_DIMENSION = 10_000;

  /** The most coordinates (k · dimension) a model may hold: 8 MiB of centres. */
  public static final int MAX_COORDINATES = 1 << 20;

  public KMeansParameters {
    if (k < 1 || k > MAX_K) {
      throw new IllegalArgumentException("k must be in [1, " + MAX_K + "]: " + k);
    }
    if (dimension < 1 || dimension > MAX_DIMENSION) {
      throw new IllegalArgumentException("dimension must be in [1, " + MAX_DIMENSION + "]: " + dimension);
    }
    if ((long) k * dimension > MAX_COORDINATES) {
      throw new IllegalArgumentException(
          "k · dimension must be at most " + MAX_COORDINATES + ": " + k + " · " + dimension);
    }
    if (!(decayFactor >= 0 && decayFactor <= 1)) {
      throw new IllegalArgumentException("decay factor must be in [0, 1]: " + decayFactor);
    }
    if (decayUnit == null) {
      throw new IllegalArgumentException("decay unit is null");
    }
  }

  /**
   * The parameters whose decay halves a weight after {@code halfLife} units, as Spark's {@code setHalfLife}: α =
   * exp(ln(0.5) / halfLife).
   */
  public static KMeansParameters withHalfLife(int k, int dimension, double halfLife, DecayUnit unit, long seed) {
    if (!(halfLife > 0) || Double.isInfinite(halfLife)) {
      throw new IllegalArgumentException("half-life must be positive and finite: " + halfLife);
    }
    return new KMeansParameters(k, dimension, Math.exp(Math.log(0.5) / halfLife), unit, seed);
  }
}
