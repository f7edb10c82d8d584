package io.streamsketch.learning.kmeans;

/** What the decay factor α discounts per step, as Spark MLlib's {@code StreamingKMeans} time units. */
public enum DecayUnit {
  /** The old weights are multiplied by α once per mini-batch. */
  BATCHES,
  /** The old weights are multiplied by α once per new point: α^m for a batch of m points. */
  POINTS
}
