package io.streamsketch.learning.kmeans;

import java.util.Random;

/** Seeded points around known centres, for the k-means tests. */
final class GaussianBlobs {
  private final double[][] centres;
  private final double spread;
  private final Random random;

  GaussianBlobs(double[][] centres, double spread, long seed) {
    this.centres = centres;
    this.spread = spread;
    this.random = new Random(seed);
  }

  /** {@code perCentre} points around each centre, blob after blob. */
  double[][] batch(int perCentre) {
    int d = centres[0].length;
    double[][] points = new double[perCentre * centres.length][d];
    int at = 0;
    for (double[] centre : centres) {
      for (int n = 0; n < perCentre; n++) {
        for (int i = 0; i < d; i++) {
          points[at][i] = centre[i] + spread * random.nextGaussian();
        }
        at++;
      }
    }
    return points;
  }
}
