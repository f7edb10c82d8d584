package io.streamsketch.learning;

import io.streamsketch.learning.kmeans.DecayUnit;
import io.streamsketch.learning.kmeans.KMeansParameters;
import io.streamsketch.learning.kmeans.StreamingKMeans;
import io.streamsketch.learning.regression.BayesianLinearRegression;
import io.streamsketch.learning.regression.BayesianParameters;
import io.streamsketch.learning.regression.LabeledPoint;
import io.streamsketch.learning.regression.SgdLinearRegression;
import io.streamsketch.learning.regression.SgdParameters;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The committed fixtures of format version 1 of the learning models, under {@code
 * src/test/resources/fixtures/learning/}: the models below, built from fixed points with arithmetic only (no
 * library function whose last bit may vary by platform). Later versions must read them ({@code
 * LearningFormatFixtureTest}). Regenerate only for a new format version, into new files, with {@code java -cp
 * <operators test classpath> io.streamsketch.learning.LearningFixtures <folder>}.
 */
public final class LearningFixtures {
  public static final String KMEANS = "kmeans-v1-k3d2.bin";
  public static final String SGD = "sgd-regression-v1-d3.bin";
  public static final String BAYESIAN = "bayesian-regression-v1-d3.bin";

  private static final double[][] POINTS = {
    {0, 0}, {1, 0}, {0, 1}, {10, 10}, {11, 10}, {10, 12}, {-8, 6}, {-9, 7}, {-8, 8}, {1, 1}, {9, 11}, {-10, 6}
  };

  private LearningFixtures() {}

  /** k = 3, α = 0.75 per batch, seed 11: the points in two batches of 6. */
  public static StreamingKMeans kMeans() {
    StreamingKMeans model = StreamingKMeans.create(new KMeansParameters(3, 2, 0.75, DecayUnit.BATCHES, 11));
    model.update(Arrays.copyOfRange(POINTS, 0, 6));
    model.update(Arrays.copyOfRange(POINTS, 6, 12));
    return model;
  }

  /** y = 1 + 2·x0 − x1 (exactly), features (1, x0, x1) scaled by 1/10, in two batches. */
  private static LabeledPoint[][] regressionBatches() {
    LabeledPoint[] first = new LabeledPoint[6];
    LabeledPoint[] second = new LabeledPoint[6];
    for (int i = 0; i < POINTS.length; i++) {
      double x0 = POINTS[i][0] / 10;
      double x1 = POINTS[i][1] / 10;
      LabeledPoint p = new LabeledPoint(new double[] {1, x0, x1}, 1 + 2 * x0 - x1 + (i % 3 - 1) * 0.125);
      (i < 6 ? first : second)[i % 6] = p;
    }
    return new LabeledPoint[][] {first, second};
  }

  public static SgdLinearRegression sgd() {
    SgdLinearRegression model = SgdLinearRegression.create(new SgdParameters(3, 0.25, 0.5, 2));
    for (LabeledPoint[] batch : regressionBatches()) {
      model.update(batch);
    }
    return model;
  }

  public static BayesianLinearRegression bayesian() {
    BayesianLinearRegression model = BayesianLinearRegression.create(new BayesianParameters(3, 0.5, 4));
    for (LabeledPoint[] batch : regressionBatches()) {
      model.update(batch);
    }
    return model;
  }

  public static void main(String[] args) throws IOException {
    Path folder = Path.of(args[0]);
    Files.createDirectories(folder);
    Files.write(folder.resolve(KMEANS), kMeans().toBytes());
    Files.write(folder.resolve(SGD), sgd().toBytes());
    Files.write(folder.resolve(BAYESIAN), bayesian().toBytes());
  }
}
