package io.streamsketch.learning.kmeans;

import java.util.Random;

/**
 * Chooses k initial centres among the points of a batch by k-means++ (Arthur and Vassilvitskii, 2007): the first
 * uniformly, each next one with probability proportional to its squared distance to the nearest centre chosen so
 * far. With fewer distinct points than k, the remaining centres repeat points (all distances are 0 then); the update
 * rule's dying-cluster split separates them later.
 *
 * <p>{@link Random} is used because its sequence is specified exactly, so a seed gives the same centres on every JVM.
 */
final class KMeansPlusPlus {
  private KMeansPlusPlus() {}

  static double[][] choose(double[][] points, int k, long seed) {
    Random random = new Random(seed);
    double[][] centres = new double[k][];
    centres[0] = points[random.nextInt(points.length)].clone();
    double[] nearest = new double[points.length];
    for (int i = 0; i < points.length; i++) {
      nearest[i] = Vectors.squaredDistance(points[i], centres[0]);
    }
    for (int c = 1; c < k; c++) {
      double total = 0;
      for (double d : nearest) {
        total += d;
      }
      int chosen;
      if (total > 0) {
        double target = random.nextDouble() * total;
        chosen = points.length - 1;
        double cumulative = 0;
        for (int i = 0; i < points.length; i++) {
          cumulative += nearest[i];
          if (cumulative > target) {
            chosen = i;
            break;
          }
        }
      } else {
        chosen = random.nextInt(points.length);
      }
      centres[c] = points[chosen].clone();
      for (int i = 0; i < points.length; i++) {
        nearest[i] = Math.min(nearest[i], Vectors.squaredDistance(points[i], centres[c]));
      }
    }
    return centres;
  }
}
