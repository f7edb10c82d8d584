package io.streamsketch.learning.regression;

/** A linear model y ≈ w·x updated one mini-batch at a time. */
public interface LinearRegressionModel {
  /** The model's parameters, a record: a restored model is used only with the parameters it was built with. */
  Record parameters();

  /** Number of features (include a constant 1 feature for an intercept). */
  int dimension();

  /**
   * Applies one mini-batch; an empty batch changes nothing but the batch count.
   *
   * @throws IllegalArgumentException if a point is invalid ({@link LabeledPoint#invalidFor}); nothing is applied
   */
  void update(LabeledPoint[] batch);

  /** The current point estimate of the weights (a copy). */
  double[] weights();

  /** Batches applied, empty ones included. */
  long batches();

  /** Points applied over all batches. */
  long points();

  default double predict(double[] features) {
    double[] w = weights();
    double y = 0;
    for (int i = 0; i < w.length; i++) {
      y += w[i] * features[i];
    }
    return y;
  }

  /** Checks a whole batch before a model changes anything. */
  static void checkBatch(LabeledPoint[] batch, int dimension) {
    for (LabeledPoint point : batch) {
      String problem = point == null ? "point is null" : point.invalidFor(dimension);
      if (problem != null) {
        throw new IllegalArgumentException(problem);
      }
    }
  }
}
