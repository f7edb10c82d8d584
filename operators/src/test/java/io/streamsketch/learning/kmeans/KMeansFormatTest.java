package io.streamsketch.learning.kmeans;

import static io.streamsketch.sketch.testing.SerializationChecks.assertRejectsTruncationAndFlips;
import static io.streamsketch.sketch.testing.SerializationChecks.editedWithValidChecksum;
import static io.streamsketch.sketch.testing.SerializationChecks.withFamilyId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamsketch.sketch.SketchFamily;
import io.streamsketch.sketch.SketchFormatException;
import java.util.List;
import org.junit.jupiter.api.Test;

class KMeansFormatTest {
  /** Payload offsets after the 4-byte envelope header (see KMeansFormat). */
  private static final int K_AT = 4;
  private static final int DECAY_AT = 12;
  private static final int FIRST_WEIGHT_AT = 4 + 4 + 4 + 8 + 1 + 8 + 8 + 8 + 1;

  private static StreamingKMeans trained() {
    StreamingKMeans model = StreamingKMeans.create(new KMeansParameters(3, 2, 0.8, DecayUnit.POINTS, -9));
    GaussianBlobs blobs = new GaussianBlobs(new double[][] {{0, 0}, {5, 5}, {-5, 5}}, 1, 2);
    for (int i = 0; i < 3; i++) {
      model.update(blobs.batch(10));
    }
    return model;
  }

  @Test
  void modelsRoundTripExactlyAndContinueAsTheOriginal() {
    StreamingKMeans unseeded = StreamingKMeans.create(new KMeansParameters(2, 4, 1, DecayUnit.BATCHES, 1));
    for (StreamingKMeans original : List.of(unseeded, trained())) {
      byte[] bytes = original.toBytes();
      StreamingKMeans read = StreamingKMeans.fromBytes(bytes);
      assertThat(read).isEqualTo(original);
      assertThat(read.toBytes()).isEqualTo(bytes);
    }
    StreamingKMeans original = trained();
    StreamingKMeans restored = StreamingKMeans.fromBytes(original.toBytes());
    double[][] next = new GaussianBlobs(new double[][] {{1, 1}}, 1, 3).batch(7);
    original.update(next);
    restored.update(next);
    assertThat(restored).isEqualTo(original);
  }

  @Test
  void corruptBytesAreRejected() {
    byte[] valid = trained().toBytes();
    assertRejectsTruncationAndFlips(valid, StreamingKMeans::fromBytes);
    assertThatThrownBy(() -> StreamingKMeans.fromBytes(withFamilyId(valid, SketchFamily.KLL.id())))
        .isInstanceOf(SketchFormatException.class)
        .hasMessageContaining("expected a STREAMING_KMEANS");
    assertThatThrownBy(() -> StreamingKMeans.fromBytes(editedWithValidChecksum(valid, b -> b.putInt(K_AT, 0))))
        .isInstanceOf(SketchFormatException.class)
        .hasMessageContaining("k must be");
    assertThatThrownBy(
            () -> StreamingKMeans.fromBytes(editedWithValidChecksum(valid, b -> b.putDouble(DECAY_AT, 2.0))))
        .isInstanceOf(SketchFormatException.class)
        .hasMessageContaining("decay factor");
    assertThatThrownBy(
            () -> StreamingKMeans.fromBytes(
                editedWithValidChecksum(valid, b -> b.putDouble(FIRST_WEIGHT_AT, -1.0))))
        .isInstanceOf(SketchFormatException.class)
        .hasMessageContaining("weight 0");
    assertThatThrownBy(
            () -> StreamingKMeans.fromBytes(
                editedWithValidChecksum(valid, b -> b.putDouble(valid.length - 12, Double.NaN))))
        .isInstanceOf(SketchFormatException.class)
        .hasMessageContaining("coordinate");
  }
}
