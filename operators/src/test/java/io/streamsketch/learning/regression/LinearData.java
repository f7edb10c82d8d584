package io.streamsketch.learning.regression;

import java.util.Random;

/** Seeded points of y = w·x + N(0, σ²) with x = (1, standard normal features), for the regression tests. */
final class LinearData {
  private final double[] weights;
  private final double noiseSd;
  private final Random random;

  LinearData(double[] weights, double noiseSd, long seed) {
    this.weights = weights;
    this.noiseSd = noiseSd;
    this.random = new Random(seed);
  }

  LabeledPoint[] batch(int size) {
    LabeledPoint[] points = new LabeledPoint[size];
    for (int n = 0; n < size; n++) {
      double[] x = new double[weights.length];
      x[0] = 1;
      double y = weights[0];
      for (int i = 1; i < x.length; i++) {
        x[i] = random.nextGaussian();
        y += weights[i] * x[i];
      }
      points[n] = new LabeledPoint(x, y + noiseSd * random.nextGaussian());
    }
    return points;
  }

  /**
   * The solution of (λ·I + c·XᵀX)·w = c·Xᵀy over all points, by Gaussian elimination with partial pivoting: an
   * independent solver for the closed forms the models must reproduce.
   */
  static double[] closedForm(LabeledPoint[] points, double lambda, double c) {
    double[][] a = augmentedNormalMatrix(points, lambda, c);
    for (int i = 0; i < a.length; i++) {
      for (LabeledPoint p : points) {
        a[i][a.length] += c * p.features[i] * p.label;
      }
    }
    return eliminate(a);
  }

  /** The inverse of (λ·I + c·XᵀX), its diagonal only, by elimination against each unit vector. */
  static double[] closedFormInverseDiagonal(LabeledPoint[] points, double lambda, double c) {
    int d = points[0].features.length;
    double[] diagonal = new double[d];
    for (int unit = 0; unit < d; unit++) {
      double[][] a = augmentedNormalMatrix(points, lambda, c);
      a[unit][d] = 1;
      diagonal[unit] = eliminate(a)[unit];
    }
    return diagonal;
  }

  /** [λ·I + c·XᵀX | 0], to fill the last column with a right-hand side. */
  private static double[][] augmentedNormalMatrix(LabeledPoint[] points, double lambda, double c) {
    int d = points[0].features.length;
    double[][] a = new double[d][d + 1];
    for (int i = 0; i < d; i++) {
      a[i][i] = lambda;
    }
    for (LabeledPoint p : points) {
      for (int i = 0; i < d; i++) {
        for (int j = 0; j < d; j++) {
          a[i][j] += c * p.features[i] * p.features[j];
        }
      }
    }
    return a;
  }

  private static double[] eliminate(double[][] a) {
    int d = a.length;
    for (int col = 0; col < d; col++) {
      int pivot = col;
      for (int r = col + 1; r < d; r++) {
        if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) {
          pivot = r;
        }
      }
      double[] swap = a[col];
      a[col] = a[pivot];
      a[pivot] = swap;
      for (int r = col + 1; r < d; r++) {
        double f = a[r][col] / a[col][col];
        for (int j = col; j <= d; j++) {
          a[r][j] -= f * a[col][j];
        }
      }
    }
    double[] x = new double[d];
    for (int i = d - 1; i >= 0; i--) {
      double s = a[i][d];
      for (int j = i + 1; j < d; j++) {
        s -= a[i][j] * x[j];
      }
      x[i] = s / a[i][i];
    }
    return x;
  }
}
