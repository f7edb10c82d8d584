package io.streamsketch.learning.kmeans;

import java.util.Random;

/**
 * Chooses k initial centres among the points of a batch by greedy k-means++ (Arthur and Vassilvitskii, 2007; the
 * greedy variant is scikit-learn's default): the first uniformly, then at each step 2 + ⌊ln k⌋ candidates each drawn
 * with probability proportional to its squared distance to the nearest centre so far, keeping the candidate that
 * lowers the total squared distance most. The greedy choice makes a start with two centres in one true cluster, a
 * local minimum that streaming updates never leave, much rarer. With fewer distinct points than k, the remaining
 * centres repeat points (all distances are 0 then); the dying-cluster split separates them later.
 *
 * <p>{@link Random} is used because its sequence is specified exactly, so a seed gives the same centres on every JVM.
 */
final class KMeansPlusPlus {
  private KMeansPlusPlus() {}

  static double[][] choose(double[][] points, int k, long seed) {
    Random random = new Random(seed);
    int trials = 2 + (int) Math.log(k);
    double[][] centres = new double[k][];
    centres[0] = points[random.nextInt(points.length)].clone();
    double[] nearest = new double[points.length];
    for (int i = 0; i < points.length; i++) {
      nearest[i] = Vectors.squaredDistance(points[i], centres[0]);
    }
    double[] candidateNearest = new double[points.length];
    for (int c = 1; c < k; c++) {
      double total = sum(nearest);
      if (!(total > 0)) {
        centres[c] = points[random.nextInt(points.length)].clone();
        continue;
      }
      int best = -1;
      double bestPotential = Double.POSITIVE_INFINITY;
      double[] bestNearest = null;
      for (int t = 0; t < trials; t++) {
        int candidate = drawProportional(nearest, total, random.nextDouble());
        for (int i = 0; i < points.length; i++) {
          candidateNearest[i] = Math.min(nearest[i], Vectors.squaredDistance(points[i], points[candidate]));
        }
        double potential = sum(candidateNearest);
        if (potential < bestPotential) {
          bestPotential = potential;
          best = candidate;
          bestNearest = candidateNearest.clone();
        }
      }
      centres[c] = points[best].clone();
      nearest = bestNearest;
    }
    return centres;
  }

  private static double sum(double[] values) {
    double total = 0;
    for (double v : values) {
      total += v;
    }
    return total;
  }

  /** The first index whose cumulative weight exceeds u · total. */
  private static int drawProportional(double[] weights, double total, double u) {
    double target = u * total;
    double cumulative = 0;
    for (int i = 0; i < weights.length; i++) {
      cumulative += weights[i];
      if (cumulative > target) {
        return i;
      }
    }
    // Rounding can leave the target at the very end: the last point with weight.
    for (int i = weights.length - 1; i >= 0; i--) {
      if (weights[i] > 0) {
        return i;
      }
    }
    return weights.length - 1;
  }
}
