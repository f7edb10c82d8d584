package io.streamsketch.benchmarks;

import io.streamsketch.learning.kmeans.DecayUnit;
import io.streamsketch.learning.kmeans.KMeansParameters;
import io.streamsketch.learning.kmeans.StreamingKMeans;
import io.streamsketch.learning.regression.BayesianLinearRegression;
import io.streamsketch.learning.regression.BayesianParameters;
import io.streamsketch.learning.regression.LabeledPoint;
import io.streamsketch.learning.regression.SgdLinearRegression;
import io.streamsketch.learning.regression.SgdParameters;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Update cost per point of the streaming learners on mini-batches of 1,000 points of dimension 5 (the size of
 * session-segments' features): k-means with k = 4 (the batch is sorted, assigned and averaged), SGD with one
 * iteration, the Bayesian posterior's update (Λ and h). {@code bayesianPosterior} is the per-batch cost of reading
 * the mean and standard deviations (two Cholesky factorizations of a 5 × 5 matrix), per batch, not per point.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class StreamingLearningBenchmark {
  private static final int BATCH = 1_000;
  private static final int D = 5;

  private double[][] points;
  private LabeledPoint[] labeled;
  private StreamingKMeans kMeans;
  private SgdLinearRegression sgd;
  private BayesianLinearRegression bayesian;

  @Setup
  public void setUp() {
    SplittableRandom random = new SplittableRandom(1);
    points = new double[BATCH][D];
    labeled = new LabeledPoint[BATCH];
    for (int n = 0; n < BATCH; n++) {
      double y = 0;
      for (int i = 0; i < D; i++) {
        points[n][i] = (n % 4) * 3 + random.nextDouble();
        y += (i + 1) * points[n][i];
      }
      labeled[n] = new LabeledPoint(points[n].clone(), y + random.nextDouble());
    }
    kMeans = StreamingKMeans.create(new KMeansParameters(4, D, 0.9, DecayUnit.BATCHES, 1));
    kMeans.update(points);
    sgd = SgdLinearRegression.create(new SgdParameters(D, 1e-3, 0, 1));
    bayesian = BayesianLinearRegression.create(new BayesianParameters(D, 1, 1));
    bayesian.update(labeled);
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public StreamingKMeans kMeansPerPoint() {
    kMeans.update(points);
    return kMeans;
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public SgdLinearRegression sgdPerPoint() {
    sgd.update(labeled);
    return sgd;
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public BayesianLinearRegression bayesianPerPoint() {
    bayesian.update(labeled);
    return bayesian;
  }

  @Benchmark
  public double bayesianPosterior() {
    return bayesian.weights()[0] + bayesian.standardDeviations()[0];
  }
}
