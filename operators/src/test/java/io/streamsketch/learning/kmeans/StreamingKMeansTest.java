package io.streamsketch.learning.kmeans;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class StreamingKMeansTest {
  private static final double[][] TRUE_CENTRES = {{0, 0, 0}, {10, 10, 0}, {-10, 10, 5}, {0, -12, -6}};

  private static KMeansParameters parameters(double alpha, long seed) {
    return new KMeansParameters(TRUE_CENTRES.length, 3, alpha, DecayUnit.BATCHES, seed);
  }

  /** For each true centre, the distance to the nearest model centre. */
  private static double worstDistance(double[][] model, double[][] truth) {
    double worst = 0;
    for (double[] t : truth) {
      worst = Math.max(worst, Math.sqrt(Vectors.squaredDistance(model[Vectors.nearest(model, t)], t)));
    }
    return worst;
  }

  @Test
  void convergesToKnownCentresForEverySeed() {
    // Greedy k-means++ starts all of 500 seeds tried in the right basin; 50 are kept here for time. α = 0.9 forgets
    // the points the first centres assigned to the wrong blob (with α = 1 they stay in the means for ever).
    for (long seed = 0; seed < 50; seed++) {
      StreamingKMeans model = StreamingKMeans.create(parameters(0.9, seed));
      GaussianBlobs blobs = new GaussianBlobs(TRUE_CENTRES, 1.0, 1_000 + seed);
      for (int batch = 0; batch < 30; batch++) {
        model.update(blobs.batch(50));
      }
      // About 500 points per centre after decay: each coordinate of a mean has standard error 1/√500 ≈ 0.045.
      assertThat(worstDistance(model.centres(), TRUE_CENTRES)).as("seed %d", seed).isLessThan(0.3);
      assertThat(model.points()).isEqualTo(6_000);
      assertThat(model.batches()).isEqualTo(30);
    }
  }

  @Test
  void withDecayOneEachCentreIsTheMeanOfAllItsPointsAndWeightTheirCount() {
    StreamingKMeans model = StreamingKMeans.create(parameters(1.0, 3));
    GaussianBlobs blobs = new GaussianBlobs(TRUE_CENTRES, 1.0, 4);
    List<double[]> all = new ArrayList<>();
    for (int batch = 0; batch < 10; batch++) {
      double[][] points = blobs.batch(20 + batch);
      model.update(points);
      all.addAll(Arrays.asList(points));
    }
    double[][] centres = model.centres();
    for (int c = 0; c < centres.length; c++) {
      // The blobs are 10 standard deviations apart, so every point is assigned to its own blob's centre.
      double[] mean = new double[3];
      int count = 0;
      for (double[] p : all) {
        if (Vectors.nearest(centres, p) == c) {
          for (int i = 0; i < 3; i++) {
            mean[i] += p[i];
          }
          count++;
        }
      }
      for (int i = 0; i < 3; i++) {
        assertThat(centres[c][i]).isCloseTo(mean[i] / count, within(1e-9));
      }
      assertThat(model.weights()[c]).isEqualTo(count);
    }
  }

  @Test
  void withDecayZeroTheCentresAreTheMeansOfTheLastBatchOnly() {
    StreamingKMeans model = StreamingKMeans.create(parameters(0.0, 5));
    model.update(new GaussianBlobs(TRUE_CENTRES, 1.0, 6).batch(100));
    double[][] moved = new double[TRUE_CENTRES.length][];
    for (int c = 0; c < moved.length; c++) {
      moved[c] = new double[] {TRUE_CENTRES[c][0] + 1, TRUE_CENTRES[c][1] - 1, TRUE_CENTRES[c][2]};
    }
    double[][] last = new GaussianBlobs(moved, 1.0, 7).batch(30);
    double[][] before = model.centres();
    model.update(last);
    double[][] after = model.centres();
    double[] weights = model.weights();
    for (int c = 0; c < after.length; c++) {
      double[] mean = new double[3];
      int count = 0;
      for (double[] p : last) {
        if (Vectors.nearest(before, p) == c) {
          for (int i = 0; i < 3; i++) {
            mean[i] += p[i];
          }
          count++;
        }
      }
      assertThat(count).isEqualTo(30);
      assertThat(weights[c]).isEqualTo(30.0);
      for (int i = 0; i < 3; i++) {
        assertThat(after[c][i]).isCloseTo(mean[i] / count, within(1e-12));
      }
    }
  }

  @Test
  void theCentreUpdateIsSparksDecayedWeightedMean() {
    KMeansParameters p = new KMeansParameters(1, 1, 0.5, DecayUnit.BATCHES, 0);
    StreamingKMeans model = StreamingKMeans.withCentres(p, new double[][] {{10}}, new double[] {4});
    BatchUpdate update = model.update(new double[][] {{0}, {2}});
    // c' = (α·n·c + m·x̄) / (α·n + m) = (0.5·4·10 + 2·1) / (0.5·4 + 2) = 22 / 4; n' = α·n + m = 4.
    assertThat(model.centres()[0][0]).isCloseTo(5.5, within(1e-15));
    assertThat(model.weights()[0]).isEqualTo(4.0);
    assertThat(update.discount()).isEqualTo(0.5);
    assertThat(update.assigned()).containsExactly(2);
    // An empty batch decays the weight and leaves the centre.
    model.update(new double[0][]);
    assertThat(model.weights()[0]).isEqualTo(2.0);
    assertThat(model.centres()[0][0]).isCloseTo(5.5, within(1e-15));
  }

  @Test
  void decayPerPointDiscountsByAlphaToTheBatchSize() {
    KMeansParameters p = new KMeansParameters(1, 1, 0.9, DecayUnit.POINTS, 0);
    StreamingKMeans model = StreamingKMeans.withCentres(p, new double[][] {{0}}, new double[] {100});
    BatchUpdate update = model.update(new double[][] {{1}, {1}, {1}});
    assertThat(update.discount()).isCloseTo(Math.pow(0.9, 3), within(1e-15));
    assertThat(model.weights()[0]).isCloseTo(100 * Math.pow(0.9, 3) + 3, within(1e-12));
  }

  @Test
  void aHalfLifeHalvesTheWeightAfterThatManyEmptyBatches() {
    KMeansParameters p = KMeansParameters.withHalfLife(1, 1, 4, DecayUnit.BATCHES, 0);
    StreamingKMeans model = StreamingKMeans.withCentres(p, new double[][] {{0}}, new double[] {64});
    for (int i = 0; i < 4; i++) {
      model.update(new double[0][]);
    }
    assertThat(model.weights()[0]).isCloseTo(32, within(1e-9));
  }

  @Test
  void aDyingClusterMovesNextToTheLargestWhichIsSplitInHalf() {
    KMeansParameters p = new KMeansParameters(2, 2, 1.0, DecayUnit.BATCHES, 0);
    StreamingKMeans model =
        StreamingKMeans.withCentres(p, new double[][] {{0, 0}, {100, 100}}, new double[] {10, 0});
    BatchUpdate update = model.update(new double[][] {{-1, 3}, {1, 3}});
    // Centre 0: (10·(0, 0) + 2·(0, 3)) / 12 = (0, 0.5) with weight 12; centre 1 kept weight 0 < 1e-8 · 12.
    assertThat(update.dyingCluster()).isEqualTo(1);
    assertThat(update.splitCluster()).isEqualTo(0);
    assertThat(model.weights()).containsExactly(6.0, 6.0);
    double[][] centres = model.centres();
    assertThat(centres[0]).containsExactly(0 + 1e-14, 0.5 + 1e-14);
    assertThat(centres[1]).containsExactly(0 - 1e-14, 0.5 - 1e-14);
    // The next batch pulls the two halves apart, each towards the points on its side.
    model.update(new double[][] {{-5, 0.5}, {-5, 0.5}, {5, 0.5}, {5, 0.5}});
    centres = model.centres();
    assertThat(centres[0][0]).isCloseTo(1.25, within(1e-9));
    assertThat(centres[1][0]).isCloseTo(-1.25, within(1e-9));
  }

  @Test
  void noSplitWhileTheSmallestWeightIsAtLeastTheThreshold() {
    KMeansParameters p = new KMeansParameters(2, 1, 1.0, DecayUnit.BATCHES, 0);
    StreamingKMeans model =
        StreamingKMeans.withCentres(p, new double[][] {{0}, {100}}, new double[] {1e8, 2});
    BatchUpdate update = model.update(new double[][] {{0}});
    // 2 is not below 1e-8 · (1e8 + 1).
    assertThat(update.dyingCluster()).isEqualTo(-1);
    assertThat(model.centres()[1][0]).isEqualTo(100.0);
  }

  @Test
  void theFirstBatchChoosesTheCentresAndTheResultDoesNotDependOnArrivalOrder() {
    double[][] batch = new GaussianBlobs(TRUE_CENTRES, 1.0, 8).batch(40);
    StreamingKMeans inOrder = StreamingKMeans.create(parameters(0.7, 42));
    BatchUpdate first = inOrder.update(batch);
    assertThat(first.seeded()).isTrue();
    List<double[]> shuffled = new ArrayList<>(Arrays.asList(batch));
    Collections.shuffle(shuffled, new Random(1));
    StreamingKMeans shuffledOrder = StreamingKMeans.create(parameters(0.7, 42));
    shuffledOrder.update(shuffled.toArray(new double[0][]));
    assertThat(shuffledOrder).isEqualTo(inOrder);
    assertThat(inOrder.update(batch).seeded()).isFalse();
  }

  @Test
  void emptyBatchesBeforeTheFirstPointsLeaveTheModelUnseeded() {
    StreamingKMeans model = StreamingKMeans.create(parameters(0.5, 1));
    assertThat(model.update(new double[0][]).seeded()).isFalse();
    assertThat(model.initialized()).isFalse();
    assertThat(model.centres()).isNull();
    assertThat(model.predict(new double[] {1, 2, 3})).isEqualTo(-1);
    assertThat(model.batches()).isEqualTo(1);
  }

  @Test
  void invalidPointsAreRejectedWithoutChangingTheModel() {
    StreamingKMeans model = StreamingKMeans.create(parameters(1.0, 1));
    model.update(new GaussianBlobs(TRUE_CENTRES, 1.0, 9).batch(5));
    StreamingKMeans before = model.copy();
    assertThatThrownBy(() -> model.update(new double[][] {{1, 2, 3}, {1, 2}}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected 3");
    assertThatThrownBy(() -> model.update(new double[][] {{1, Double.NaN, 3}}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not finite");
    assertThat(model).isEqualTo(before);
  }

  @Test
  void parametersAreValidated() {
    assertThatThrownBy(() -> new KMeansParameters(0, 1, 1, DecayUnit.BATCHES, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new KMeansParameters(2, 1, 1.5, DecayUnit.BATCHES, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new KMeansParameters(2, 1, Double.NaN, DecayUnit.BATCHES, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new KMeansParameters(2_000, 2_000, 1, DecayUnit.BATCHES, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("k · dimension");
    assertThatThrownBy(() -> KMeansParameters.withHalfLife(2, 1, 0, DecayUnit.POINTS, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
