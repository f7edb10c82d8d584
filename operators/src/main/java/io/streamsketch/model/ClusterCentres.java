package io.streamsketch.model;

import java.util.Arrays;

/**
 * A streaming k-means model after one mini-batch (one event-time window): the centres and their decayed weights, and
 * what the batch did. Each batch is its own result, keyed by ({@code model}, {@code batchEnd}).
 */
public class ClusterCentres extends ModelBatch {
  /** The centres after the batch, centre by centre; null if no batch had points yet. */
  public double[][] centres;
  /** Each centre's weight after the batch: its decayed count of points. */
  public double[] weights;
  /** Points of this batch assigned to each centre (by the centres before the update). */
  public long[] assigned;
  /** Whether this batch chose the initial centres. */
  public boolean seeded;
  /** The dying centre moved next to the largest after this batch, or -1. */
  public int dyingCluster;
  /** The largest centre split in two after this batch, or -1. */
  public int splitCluster;

  public ClusterCentres() {}

  @Override
  public String toJson() {
    return batchFields()
        .field("centres", centres)
        .field("weights", weights)
        .field("assigned", assigned)
        .field("seeded", seeded)
        .field("dyingCluster", dyingCluster)
        .field("splitCluster", splitCluster)
        .toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ClusterCentres that
        && sameBatch(that)
        && seeded == that.seeded
        && dyingCluster == that.dyingCluster
        && splitCluster == that.splitCluster
        && Arrays.deepEquals(centres, that.centres)
        && Arrays.equals(weights, that.weights)
        && Arrays.equals(assigned, that.assigned);
  }
}
