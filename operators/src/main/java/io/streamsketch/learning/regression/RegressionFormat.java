package io.streamsketch.learning.regression;

import io.streamsketch.learning.linalg.Cholesky;
import io.streamsketch.sketch.SketchFamily;
import io.streamsketch.sketch.SketchFormat;
import io.streamsketch.sketch.SketchFormatException;

/**
 * The binary formats of the regression models, version 1 each, inside the {@link SketchFormat} envelope (CRC-32C).
 * Little-endian.
 *
 * <p>{@link SketchFamily#SGD_REGRESSION}:
 *
 * <pre>
 * int32    dimension d
 * float64  step size η
 * float64  L2 penalty λ
 * int32    iterations per batch
 * int64    batches applied
 * int64    points applied
 * float64  d weights
 * </pre>
 *
 * <p>{@link SketchFamily#BAYESIAN_REGRESSION}:
 *
 * <pre>
 * int32    dimension d
 * float64  prior precision α
 * float64  noise precision β
 * int64    batches applied
 * int64    points applied
 * float64  d(d+1)/2 entries of the lower triangle of Λ = Σ⁻¹, row by row
 * float64  d entries of h = Σ⁻¹μ
 * </pre>
 *
 * Reading checks the parameters, that every number is finite and, for the posterior, that Λ is positive definite,
 * and that no byte is left over; a corrupt model fails with {@link SketchFormatException}.
 */
public final class RegressionFormat {
  public static final int VERSION = 1;

  public static final int SGD_MAX_SERIALIZED_BYTES =
      SketchFormat.HEADER_BYTES + SketchFormat.TRAILER_BYTES + 4 + 8 + 8 + 4 + 8 + 8 + 8 * SgdParameters.MAX_DIMENSION;

  public static final int BAYESIAN_MAX_SERIALIZED_BYTES =
      SketchFormat.HEADER_BYTES + SketchFormat.TRAILER_BYTES + 4 + 8 + 8 + 8 + 8
          + 8 * triangle(BayesianParameters.MAX_DIMENSION) + 8 * BayesianParameters.MAX_DIMENSION;

  private RegressionFormat() {}

  private static int triangle(int d) {
    return d * (d + 1) / 2;
  }

  static byte[] write(SgdLinearRegression model) {
    SgdParameters p = model.parameters();
    SketchFormat.Writer out =
        SketchFormat.writer(SketchFamily.SGD_REGRESSION, VERSION, 4 + 8 + 8 + 4 + 8 + 8 + 8 * p.dimension())
            .putInt(p.dimension())
            .putDouble(p.stepSize())
            .putDouble(p.l2())
            .putInt(p.iterations())
            .putLong(model.batches())
            .putLong(model.points());
    for (double w : model.weights()) {
      out.putDouble(w);
    }
    return out.finish();
  }

  static SgdLinearRegression readSgd(byte[] bytes) {
    SketchFormat.Reader in = SketchFormat.reader(bytes, SketchFamily.SGD_REGRESSION, VERSION);
    int dimension = in.getInt();
    double step = in.getDouble();
    double l2 = in.getDouble();
    int iterations = in.getInt();
    SgdParameters parameters;
    try {
      parameters = new SgdParameters(dimension, step, l2, iterations);
    } catch (IllegalArgumentException e) {
      throw in.corrupt(e.getMessage());
    }
    long batches = in.getLong();
    long points = in.getLong();
    checkCounts(in, batches, points);
    double[] weights = finiteArray(in, dimension, "weight");
    in.end();
    return SgdLinearRegression.restore(parameters, weights, batches, points);
  }

  static byte[] write(BayesianLinearRegression model) {
    BayesianParameters p = model.parameters();
    int d = p.dimension();
    SketchFormat.Writer out =
        SketchFormat.writer(SketchFamily.BAYESIAN_REGRESSION, VERSION, 4 + 8 + 8 + 8 + 8 + 8 * triangle(d) + 8 * d)
            .putInt(d)
            .putDouble(p.priorPrecision())
            .putDouble(p.noisePrecision())
            .putLong(model.batches())
            .putLong(model.points());
    double[][] precision = model.precision();
    for (int i = 0; i < d; i++) {
      for (int j = 0; j <= i; j++) {
        out.putDouble(precision[i][j]);
      }
    }
    for (double h : model.shift()) {
      out.putDouble(h);
    }
    return out.finish();
  }

  static BayesianLinearRegression readBayesian(byte[] bytes) {
    SketchFormat.Reader in = SketchFormat.reader(bytes, SketchFamily.BAYESIAN_REGRESSION, VERSION);
    int dimension = in.getInt();
    double alpha = in.getDouble();
    double beta = in.getDouble();
    BayesianParameters parameters;
    try {
      parameters = new BayesianParameters(dimension, alpha, beta);
    } catch (IllegalArgumentException e) {
      throw in.corrupt(e.getMessage());
    }
    long batches = in.getLong();
    long points = in.getLong();
    checkCounts(in, batches, points);
    in.checkedCount(triangle(dimension) + (long) dimension, 8, "posterior entry");
    double[][] precision = new double[dimension][dimension];
    for (int i = 0; i < dimension; i++) {
      double[] row = finiteArray(in, i + 1, "precision entry");
      for (int j = 0; j <= i; j++) {
        precision[i][j] = row[j];
        precision[j][i] = row[j];
      }
    }
    double[] shift = finiteArray(in, dimension, "shift entry");
    in.end();
    try {
      Cholesky.factor(precision);
    } catch (ArithmeticException e) {
      throw in.corrupt("posterior precision is not positive definite: " + e.getMessage());
    }
    return BayesianLinearRegression.restore(parameters, precision, shift, batches, points);
  }

  private static void checkCounts(SketchFormat.Reader in, long batches, long points) {
    if (batches < 0 || points < 0) {
      throw in.corrupt("negative batch or point count: " + batches + ", " + points);
    }
  }

  private static double[] finiteArray(SketchFormat.Reader in, int length, String what) {
    in.checkedCount(length, 8, what);
    double[] values = new double[length];
    for (int i = 0; i < length; i++) {
      values[i] = in.getDouble();
      if (!Double.isFinite(values[i])) {
        throw in.corrupt(what + " " + i + " is " + values[i]);
      }
    }
    return values;
  }
}
