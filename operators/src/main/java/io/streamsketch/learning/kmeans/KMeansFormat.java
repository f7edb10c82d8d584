package io.streamsketch.learning.kmeans;

import io.streamsketch.sketch.SketchFamily;
import io.streamsketch.sketch.SketchFormat;
import io.streamsketch.sketch.SketchFormatException;

/**
 * The binary format of a {@link StreamingKMeans} model, version 1, inside the {@link SketchFormat} envelope (family
 * {@link SketchFamily#STREAMING_KMEANS}, CRC-32C). Little-endian:
 *
 * <pre>
 * int32    k
 * int32    dimension
 * float64  decay factor α
 * uint8    decay unit: 0 batches, 1 points
 * int64    seed
 * int64    batches applied
 * int64    points applied
 * uint8    1 if the centres are chosen, else 0
 * float64  k weights
 * float64  k · dimension centre coordinates, centre by centre (only if chosen)
 * </pre>
 *
 * Reading checks every parameter, that weights are finite and not negative, that coordinates are finite and that
 * no byte is left over: a corrupt model fails with {@link SketchFormatException}, never loads wrong.
 */
public final class KMeansFormat {
  public static final int VERSION = 1;

  /** The largest model: the envelope, the fixed fields, the largest k weights and the most coordinates. */
  public static final int MAX_SERIALIZED_BYTES =
      SketchFormat.HEADER_BYTES + SketchFormat.TRAILER_BYTES + 4 + 4 + 8 + 1 + 8 + 8 + 8 + 1
          + 8 * KMeansParameters.MAX_K + 8 * KMeansParameters.MAX_COORDINATES;

  private KMeansFormat() {}

  static byte[] write(StreamingKMeans model) {
    KMeansParameters p = model.parameters();
    double[][] centres = model.centres();
    int payload = 4 + 4 + 8 + 1 + 8 + 8 + 8 + 1 + 8 * p.k() + (centres == null ? 0 : 8 * p.k() * p.dimension());
    SketchFormat.Writer out =
        SketchFormat.writer(SketchFamily.STREAMING_KMEANS, VERSION, payload)
            .putInt(p.k())
            .putInt(p.dimension())
            .putDouble(p.decayFactor())
            .putByte(p.decayUnit() == DecayUnit.BATCHES ? 0 : 1)
            .putLong(p.seed())
            .putLong(model.batches())
            .putLong(model.points())
            .putByte(centres == null ? 0 : 1);
    for (double w : model.weights()) {
      out.putDouble(w);
    }
    if (centres != null) {
      for (double[] centre : centres) {
        for (double x : centre) {
          out.putDouble(x);
        }
      }
    }
    return out.finish();
  }

  static StreamingKMeans read(byte[] bytes) {
    SketchFormat.Reader in = SketchFormat.reader(bytes, SketchFamily.STREAMING_KMEANS, VERSION);
    int k = in.getInt();
    int dimension = in.getInt();
    double decayFactor = in.getDouble();
    int unit = in.getByte();
    long seed = in.getLong();
    if (unit > 1) {
      throw in.corrupt("unknown decay unit " + unit);
    }
    KMeansParameters parameters;
    try {
      parameters = new KMeansParameters(k, dimension, decayFactor, unit == 0 ? DecayUnit.BATCHES : DecayUnit.POINTS, seed);
    } catch (IllegalArgumentException e) {
      throw in.corrupt(e.getMessage());
    }
    long batches = in.getLong();
    long points = in.getLong();
    if (batches < 0 || points < 0) {
      throw in.corrupt("negative batch or point count: " + batches + ", " + points);
    }
    int chosen = in.getByte();
    if (chosen > 1) {
      throw in.corrupt("centres flag is " + chosen);
    }
    in.checkedCount(k, 8, "weight");
    double[] weights = new double[k];
    for (int c = 0; c < k; c++) {
      weights[c] = in.getDouble();
      if (!(weights[c] >= 0) || Double.isInfinite(weights[c])) {
        throw in.corrupt("weight " + c + " is " + weights[c]);
      }
    }
    double[][] centres = null;
    if (chosen == 1) {
      in.checkedCount((long) k * dimension, 8, "coordinate");
      centres = new double[k][dimension];
      for (int c = 0; c < k; c++) {
        for (int i = 0; i < dimension; i++) {
          double x = in.getDouble();
          if (!Double.isFinite(x)) {
            throw in.corrupt("centre " + c + " coordinate " + i + " is " + x);
          }
          centres[c][i] = x;
        }
      }
    }
    in.end();
    return StreamingKMeans.restore(parameters, centres, weights, batches, points);
  }
}
