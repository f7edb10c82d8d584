package io.streamsketch.learning.linalg;

/**
 * The Cholesky factorization A = L·Lᵀ of a symmetric positive definite matrix, for the small dense systems of the
 * learning models (d up to a few hundred). Solving through L instead of inverting A keeps the error near the
 * conditioning of A, and the factorization fails loudly instead of returning a wrong answer when A is not positive
 * definite.
 */
public final class Cholesky {
  private final int n;
  /** Row-major lower triangle; the upper part stays 0. */
  private final double[][] lower;

  private Cholesky(double[][] lower) {
    this.n = lower.length;
    this.lower = lower;
  }

  /**
   * Factors the symmetric matrix {@code a}; only its lower triangle is read, and {@code a} is not changed.
   *
   * @throws ArithmeticException if {@code a} is not (numerically) positive definite
   */
  public static Cholesky factor(double[][] a) {
    int n = a.length;
    double[][] l = new double[n][n];
    for (int j = 0; j < n; j++) {
      if (a[j].length != n) {
        throw new IllegalArgumentException("matrix is not square: row " + j + " has " + a[j].length + " columns");
      }
      double diagonal = a[j][j];
      for (int k = 0; k < j; k++) {
        diagonal -= l[j][k] * l[j][k];
      }
      if (!(diagonal > 0) || !Double.isFinite(diagonal)) {
        throw new ArithmeticException("matrix is not positive definite (pivot " + j + " is " + diagonal + ")");
      }
      double pivot = Math.sqrt(diagonal);
      l[j][j] = pivot;
      for (int i = j + 1; i < n; i++) {
        double sum = a[i][j];
        for (int k = 0; k < j; k++) {
          sum -= l[i][k] * l[j][k];
        }
        l[i][j] = sum / pivot;
      }
    }
    return new Cholesky(l);
  }

  /** x with A·x = b. */
  public double[] solve(double[] b) {
    if (b.length != n) {
      throw new IllegalArgumentException("right-hand side has " + b.length + " entries, expected " + n);
    }
    double[] y = forward(b);
    double[] x = new double[n];
    for (int i = n - 1; i >= 0; i--) {
      double sum = y[i];
      for (int k = i + 1; k < n; k++) {
        sum -= lower[k][i] * x[k];
      }
      x[i] = sum / lower[i][i];
    }
    return x;
  }

  /**
   * The diagonal of A⁻¹: with A⁻¹ = L⁻ᵀL⁻¹, entry i is the squared norm of column i of L⁻¹, found by forward
   * substitution of the unit vectors, never forming A⁻¹ by elimination.
   */
  public double[] inverseDiagonal() {
    double[] diagonal = new double[n];
    double[] unit = new double[n];
    for (int i = 0; i < n; i++) {
      unit[i] = 1;
      double[] column = forward(unit);
      unit[i] = 0;
      double sum = 0;
      for (double v : column) {
        sum += v * v;
      }
      diagonal[i] = sum;
    }
    return diagonal;
  }

  /** y with L·y = b. */
  private double[] forward(double[] b) {
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      double sum = b[i];
      for (int k = 0; k < i; k++) {
        sum -= lower[i][k] * y[k];
      }
      y[i] = sum / lower[i][i];
    }
    return y;
  }
}
