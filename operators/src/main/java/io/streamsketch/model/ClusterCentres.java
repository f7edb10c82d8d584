package io.streamsketch.model;

import java.util.Arrays;
import java.util.Objects;

/**
 * A streaming k-means model after one mini-batch (one event-time window): the centres and their decayed weights, and
 * what the batch did. Each batch is its own result, keyed by ({@code model}, {@code batchEnd}).
 */
public class ClusterCentres implements Result {
  /** The model's key (the key of the stream it learns from). */
  public String model;
  /** The batch's event-time window, epoch milliseconds, end exclusive. */
  public long batchStart;
  public long batchEnd;
  /** Batches this model has applied, this one included. */
  public long batch;
  /** Points of this batch applied to the model. */
  public long points;
  /** Points of this batch left out because their features were invalid (wrong length, not finite). */
  public long rejectedPoints;
  /** Points applied over the model's life. */
  public long totalPoints;
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
        && batchStart == that.batchStart
        && batchEnd == that.batchEnd
        && batch == that.batch
        && points == that.points
        && rejectedPoints == that.rejectedPoints
        && totalPoints == that.totalPoints
        && seeded == that.seeded
        && dyingCluster == that.dyingCluster
        && splitCluster == that.splitCluster
        && Objects.equals(model, that.model)
        && Arrays.deepEquals(centres, that.centres)
        && Arrays.equals(weights, that.weights)
        && Arrays.equals(assigned, that.assigned);
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
