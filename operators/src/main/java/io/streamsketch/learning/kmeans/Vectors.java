package io.streamsketch.learning.kmeans;

/** The few vector operations of k-means. */
final class Vectors {
  private Vectors() {}

  static double squaredDistance(double[] a, double[] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      double d = a[i] - b[i];
      sum += d * d;
    }
    return sum;
  }

  /** The index of the centre nearest to {@code point}; the lowest index among equally near ones. */
  static int nearest(double[][] centres, double[] point) {
    int best = 0;
    double bestDistance = Double.POSITIVE_INFINITY;
    for (int c = 0; c < centres.length; c++) {
      double d = squaredDistance(centres[c], point);
      if (d < bestDistance) {
        bestDistance = d;
        best = c;
      }
    }
    return best;
  }
}
