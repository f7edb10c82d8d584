package io.streamsketch.learning.kmeans;

/**
 * What one mini-batch did to a {@link StreamingKMeans} model.
 *
 * @param assigned points of the batch assigned to each centre (by the centres before the update)
 * @param discount the factor the old weights were multiplied by: α, or α^m per point
 * @param seeded whether this batch chose the initial centres
 * @param dyingCluster the centre moved next to the largest one because its weight fell below 1e-8 of the largest,
 *     or -1
 * @param splitCluster the largest centre that was split, or -1
 */
public record BatchUpdate(long[] assigned, double discount, boolean seeded, int dyingCluster, int splitCluster) {
  /** Points in the batch. */
  public long points() {
    long sum = 0;
    for (long n : assigned) {
      sum += n;
    }
    return sum;
  }
}
