package io.streamsketch.learning;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsketch.learning.kmeans.StreamingKMeans;
import io.streamsketch.learning.regression.BayesianLinearRegression;
import io.streamsketch.learning.regression.SgdLinearRegression;
import io.streamsketch.sketch.SketchFamily;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/** The committed version-1 bytes of each learning model are read, and today's code still builds exactly them. */
class LearningFormatFixtureTest {
  private static byte[] fixture(String name, SketchFamily family) throws IOException {
    try (InputStream in = LearningFormatFixtureTest.class.getResourceAsStream("/fixtures/learning/" + name)) {
      assertThat(in).as(name).isNotNull();
      byte[] bytes = in.readAllBytes();
      assertThat(bytes[0]).isEqualTo((byte) family.id());
      assertThat(bytes[1]).isEqualTo((byte) 1);
      return bytes;
    }
  }

  @Test
  void kMeansVersion1IsRead() throws IOException {
    byte[] bytes = fixture(LearningFixtures.KMEANS, SketchFamily.STREAMING_KMEANS);
    StreamingKMeans read = StreamingKMeans.fromBytes(bytes);
    assertThat(read).isEqualTo(LearningFixtures.kMeans());
    assertThat(read.batches()).isEqualTo(2);
    assertThat(read.points()).isEqualTo(12);
    assertThat(LearningFixtures.kMeans().toBytes()).isEqualTo(bytes);
  }

  @Test
  void sgdVersion1IsRead() throws IOException {
    byte[] bytes = fixture(LearningFixtures.SGD, SketchFamily.SGD_REGRESSION);
    assertThat(SgdLinearRegression.fromBytes(bytes)).isEqualTo(LearningFixtures.sgd());
    assertThat(LearningFixtures.sgd().toBytes()).isEqualTo(bytes);
  }

  @Test
  void bayesianVersion1IsRead() throws IOException {
    byte[] bytes = fixture(LearningFixtures.BAYESIAN, SketchFamily.BAYESIAN_REGRESSION);
    BayesianLinearRegression read = BayesianLinearRegression.fromBytes(bytes);
    assertThat(read).isEqualTo(LearningFixtures.bayesian());
    assertThat(read.points()).isEqualTo(12);
    assertThat(LearningFixtures.bayesian().toBytes()).isEqualTo(bytes);
  }
}
