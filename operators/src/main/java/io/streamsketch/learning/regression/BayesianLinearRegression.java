package io.streamsketch.learning.regression;

import io.streamsketch.learning.linalg.Cholesky;
import java.util.Arrays;

/**
 * Bayesian linear regression with a conjugate Gaussian prior, updated exactly per mini-batch: with the posterior
 * N(μ₀, Σ₀) before a batch (X, y) and known noise precision β, the posterior after it is
 *
 * <pre>
 *   Σ₁⁻¹ = Σ₀⁻¹ + β·XᵀX        μ₁ = Σ₁·(Σ₀⁻¹μ₀ + β·Xᵀy)
 * </pre>
 *
 * The model keeps the natural parameters, the precision Λ = Σ⁻¹ and h = Σ⁻¹μ, because both are sums over the
 * points: the update is two additions, the posterior after any split into batches equals the batch solution
 * (αI + βXᵀX)⁻¹·βXᵀy up to rounding, and no batch is ever re-solved. μ = Λ⁻¹h and the variances diag(Λ⁻¹) come from
 * a Cholesky factorization of Λ, which is positive definite because α &gt; 0.
 *
 * <p>The credible interval μᵢ ± z·σᵢ has posterior probability given by z (1.96 for 95 %): it covers the true
 * weight at that rate when the data follow the model (Gaussian noise of precision β; the prior as stated).
 */
public final class BayesianLinearRegression implements LinearRegressionModel {
  /** z of the central 95 % interval of a normal distribution. */
  public static final double Z_95 = 1.959963984540054;

  private final BayesianParameters parameters;
  /** Λ = Σ⁻¹, full and symmetric. */
  private final double[][] precision;
  /** h = Σ⁻¹μ. */
  private final double[] shift;
  private long batches;
  private long points;

  private BayesianLinearRegression(
      BayesianParameters parameters, double[][] precision, double[] shift, long batches, long points) {
    this.parameters = parameters;
    this.precision = precision;
    this.shift = shift;
    this.batches = batches;
    this.points = points;
  }

  /** The prior N(0, I/α). */
  public static BayesianLinearRegression create(BayesianParameters parameters) {
    int d = parameters.dimension();
    double[][] precision = new double[d][d];
    for (int i = 0; i < d; i++) {
      precision[i][i] = parameters.priorPrecision();
    }
    return new BayesianLinearRegression(parameters, precision, new double[d], 0, 0);
  }

  static BayesianLinearRegression restore(
      BayesianParameters parameters, double[][] precision, double[] shift, long batches, long points) {
    return new BayesianLinearRegression(parameters, precision, shift, batches, points);
  }

  @Override
  public void update(LabeledPoint[] batch) {
    int d = parameters.dimension();
    LinearRegressionModel.checkBatch(batch, d);
    double beta = parameters.noisePrecision();
    for (LabeledPoint point : batch) {
      double[] x = point.features;
      for (int i = 0; i < d; i++) {
        double bx = beta * x[i];
        shift[i] += bx * point.label;
        // The lower triangle only; mirrored below, so Λ stays exactly symmetric.
        for (int j = 0; j <= i; j++) {
          precision[i][j] += bx * x[j];
        }
      }
    }
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < i; j++) {
        precision[j][i] = precision[i][j];
      }
    }
    batches++;
    points += batch.length;
  }

  @Override
  public BayesianParameters parameters() {
    return parameters;
  }

  @Override
  public int dimension() {
    return parameters.dimension();
  }

  /** The posterior mean μ. */
  @Override
  public double[] weights() {
    return Cholesky.factor(precision).solve(shift);
  }

  /** The posterior standard deviation of each weight, √(Σᵢᵢ). */
  public double[] standardDeviations() {
    double[] variances = Cholesky.factor(precision).inverseDiagonal();
    for (int i = 0; i < variances.length; i++) {
      variances[i] = Math.sqrt(variances[i]);
    }
    return variances;
  }

  /** A copy of the posterior precision Λ = Σ⁻¹. */
  public double[][] precision() {
    double[][] copy = new double[precision.length][];
    for (int i = 0; i < precision.length; i++) {
      copy[i] = precision[i].clone();
    }
    return copy;
  }

  /** A copy of h = Σ⁻¹μ. */
  public double[] shift() {
    return shift.clone();
  }

  @Override
  public long batches() {
    return batches;
  }

  @Override
  public long points() {
    return points;
  }

  public BayesianLinearRegression copy() {
    return new BayesianLinearRegression(parameters, precision(), shift.clone(), batches, points);
  }

  /** The versioned binary format, see {@link RegressionFormat}. */
  public byte[] toBytes() {
    return RegressionFormat.write(this);
  }

  public static BayesianLinearRegression fromBytes(byte[] bytes) {
    return RegressionFormat.readBayesian(bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BayesianLinearRegression other
        && parameters.equals(other.parameters)
        && Arrays.deepEquals(precision, other.precision)
        && Arrays.equals(shift, other.shift)
        && batches == other.batches
        && points == other.points;
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(shift) * 31 + Long.hashCode(batches);
  }

  @Override
  public String toString() {
    return "BayesianLinearRegression{" + parameters + ", batches=" + batches + ", points=" + points + "}";
  }
}
