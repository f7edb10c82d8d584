package io.streamsketch.learning.kmeans;

import java.util.Arrays;

/**
 * Streaming k-means with forgetfulness, as Spark MLlib's {@code StreamingKMeansModel.update}: each mini-batch of m
 * points is assigned to the nearest current centres, then for every centre c with weight n, of which the batch
 * assigned m_c points with mean x̄_c,
 *
 * <pre>
 *   c' = (α·n·c + m_c·x̄_c) / (α·n + m_c)        n' = α·n + m_c
 * </pre>
 *
 * with α the decay factor per batch (or α^m with {@link DecayUnit#POINTS}). This is Spark's code, which discounts
 * the weight it keeps as well as the one it averages with; Spark's documentation writes n' = n + m_c, which its code
 * does not do (with that rule α would be forgotten again at the next batch). So α = 1 makes every centre the mean of
 * all points ever assigned to it, and α = 0 makes it the mean of the last batch's points assigned to it (a centre
 * that got none has weight 0, and dies as below).
 *
 * <p><b>Dying clusters</b>, as Spark: after the update, if the smallest weight is below 1e-8 of the largest, the
 * smallest centre is moved next to the largest (each coordinate x becomes x − p and the largest's x + p, p = 1e-14 ·
 * max(|x|, 1)) and both get the mean of the two weights; the next batch then pulls them apart.
 *
 * <p><b>Initial centres</b>: given, or chosen by seeded k-means++ among the first non-empty batch, with weight 0
 * (that batch then sets them to the means of their points). <b>Determinism</b>: a batch is a multiset; it is sorted
 * before use, so the result never depends on the order the points arrived in, and a seed gives the same model.
 *
 * <p>Not thread-safe. Points must have the model's dimension and finite coordinates.
 */
public final class StreamingKMeans {
  /** Spark's threshold: a weight below this fraction of the largest is a dying cluster. */
  public static final double DYING_FRACTION = 1e-8;

  private final KMeansParameters parameters;
  /** Null until initialized. */
  private double[][] centres;
  private final double[] weights;
  private long batches;
  private long points;

  private StreamingKMeans(KMeansParameters parameters, double[][] centres, double[] weights, long batches, long points) {
    this.parameters = parameters;
    this.centres = centres;
    this.weights = weights;
    this.batches = batches;
    this.points = points;
  }

  /** A model whose centres the first non-empty batch chooses. */
  public static StreamingKMeans create(KMeansParameters parameters) {
    return new StreamingKMeans(parameters, null, new double[parameters.k()], 0, 0);
  }

  /** A model starting at the given centres and weights (copied). */
  public static StreamingKMeans withCentres(KMeansParameters parameters, double[][] centres, double[] weights) {
    if (centres.length != parameters.k() || weights.length != parameters.k()) {
      throw new IllegalArgumentException("expected " + parameters.k() + " centres and weights");
    }
    double[][] copy = new double[centres.length][];
    for (int c = 0; c < centres.length; c++) {
      checkPoint(parameters, centres[c]);
      if (!(weights[c] >= 0) || Double.isInfinite(weights[c])) {
        throw new IllegalArgumentException("weight " + c + " must be finite and not negative: " + weights[c]);
      }
      copy[c] = centres[c].clone();
    }
    return new StreamingKMeans(parameters, copy, weights.clone(), 0, 0);
  }

  /** Restores a model from its parts, for the binary format; the arrays are taken, not copied. */
  static StreamingKMeans restore(
      KMeansParameters parameters, double[][] centres, double[] weights, long batches, long points) {
    return new StreamingKMeans(parameters, centres, weights, batches, points);
  }

  /** Why {@code point} cannot be clustered by a model of these parameters, or null if it can. */
  public static String invalidPoint(KMeansParameters parameters, double[] point) {
    if (point == null) {
      return "point is null";
    }
    if (point.length != parameters.dimension()) {
      return "point has " + point.length + " coordinates, expected " + parameters.dimension();
    }
    for (int i = 0; i < point.length; i++) {
      if (!Double.isFinite(point[i])) {
        return "coordinate " + i + " is not finite: " + point[i];
      }
    }
    return null;
  }

  private static void checkPoint(KMeansParameters parameters, double[] point) {
    String problem = invalidPoint(parameters, point);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
  }

  /**
   * Applies one mini-batch (not changed). An empty batch still counts as a batch: with {@link DecayUnit#BATCHES} it
   * decays the weights, as an empty Spark batch does.
   *
   * @throws IllegalArgumentException if a point has the wrong dimension or a coordinate that is not finite
   */
  public BatchUpdate update(double[][] batch) {
    for (double[] point : batch) {
      checkPoint(parameters, point);
    }
    int k = parameters.k();
    int d = parameters.dimension();
    double[][] sorted = batch.clone();
    Arrays.sort(sorted, Arrays::compare);
    boolean seeded = false;
    if (centres == null) {
      if (sorted.length == 0) {
        batches++;
        return new BatchUpdate(new long[k], 1, false, -1, -1);
      }
      centres = KMeansPlusPlus.choose(sorted, k, parameters.seed());
      seeded = true;
    }
    double[][] sums = new double[k][d];
    long[] counts = new long[k];
    for (double[] point : sorted) {
      int c = Vectors.nearest(centres, point);
      counts[c]++;
      double[] sum = sums[c];
      for (int i = 0; i < d; i++) {
        sum[i] += point[i];
      }
    }
    double discount =
        parameters.decayUnit() == DecayUnit.BATCHES
            ? parameters.decayFactor()
            : Math.pow(parameters.decayFactor(), sorted.length);
    for (int c = 0; c < k; c++) {
      weights[c] *= discount;
      if (counts[c] == 0) {
        continue;
      }
      double updated = weights[c] + counts[c];
      // As Spark: c' = (1 − λ)·c + λ·x̄ with λ = m / (α·n + m).
      double lambda = counts[c] / Math.max(updated, 1e-16);
      double[] centre = centres[c];
      for (int i = 0; i < d; i++) {
        centre[i] = (1 - lambda) * centre[i] + lambda * (sums[c][i] / counts[c]);
      }
      weights[c] = updated;
    }
    int largest = 0;
    int smallest = 0;
    for (int c = 1; c < k; c++) {
      if (weights[c] > weights[largest]) {
        largest = c;
      }
      if (weights[c] < weights[smallest]) {
        smallest = c;
      }
    }
    int dying = -1;
    int split = -1;
    if (k > 1 && weights[smallest] < DYING_FRACTION * weights[largest]) {
      dying = smallest;
      split = largest;
      double shared = (weights[largest] + weights[smallest]) / 2;
      weights[largest] = shared;
      weights[smallest] = shared;
      for (int i = 0; i < d; i++) {
        double x = centres[largest][i];
        double p = 1e-14 * Math.max(Math.abs(x), 1.0);
        centres[largest][i] = x + p;
        centres[smallest][i] = x - p;
      }
    }
    batches++;
    points += sorted.length;
    return new BatchUpdate(counts, discount, seeded, dying, split);
  }

  /** The index of the centre nearest to {@code point}, or -1 before the centres are chosen. */
  public int predict(double[] point) {
    checkPoint(parameters, point);
    return centres == null ? -1 : Vectors.nearest(centres, point);
  }

  public KMeansParameters parameters() {
    return parameters;
  }

  /** Whether the centres have been chosen. */
  public boolean initialized() {
    return centres != null;
  }

  /** A copy of the centres, or null before they are chosen. */
  public double[][] centres() {
    if (centres == null) {
      return null;
    }
    double[][] copy = new double[centres.length][];
    for (int c = 0; c < centres.length; c++) {
      copy[c] = centres[c].clone();
    }
    return copy;
  }

  /** A copy of the weights (the decayed counts of the points behind each centre). */
  public double[] weights() {
    return weights.clone();
  }

  /** Batches applied, empty ones included. */
  public long batches() {
    return batches;
  }

  /** Points applied over all batches (not decayed). */
  public long points() {
    return points;
  }

  public StreamingKMeans copy() {
    return new StreamingKMeans(parameters, centres(), weights.clone(), batches, points);
  }

  /** The versioned binary format, see {@link KMeansFormat}. */
  public byte[] toBytes() {
    return KMeansFormat.write(this);
  }

  public static StreamingKMeans fromBytes(byte[] bytes) {
    return KMeansFormat.read(bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StreamingKMeans other
        && parameters.equals(other.parameters)
        && Arrays.deepEquals(centres, other.centres)
        && Arrays.equals(weights, other.weights)
        && batches == other.batches
        && points == other.points;
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(weights) * 31 + Long.hashCode(batches);
  }

  @Override
  public String toString() {
    return "StreamingKMeans{" + parameters + ", batches=" + batches + ", weights=" + Arrays.toString(weights) + "}";
  }
}
