package io.streamsketch.sketch.moments;

import static io.streamsketch.sketch.testing.SerializationChecks.assertRejectsTruncationAndFlips;
import static io.streamsketch.sketch.testing.SerializationChecks.editedWithValidChecksum;
import static io.streamsketch.sketch.testing.SerializationChecks.withFamilyId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamsketch.sketch.SketchFamily;
import io.streamsketch.sketch.SketchFormatException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class AmsFormatTest {
  /** Payload offsets, after the 4-byte envelope header (see the class documentation of AmsSketch). */
  private static final int S1_AT = 4;
  private static final int S2_AT = 8;
  private static final int ABSOLUTE_WEIGHT_AT = 20;
  private static final int COEFFICIENTS_AT = 28;

  private static AmsSketch sketch(int countersPerGroup, int groups, long seed, int items) {
    AmsSketch sketch = AmsSketch.ofShape(countersPerGroup, groups, seed);
    for (int i = 0; i < items; i++) {
      sketch.update(i % 37, i % 5 - 2);
    }
    return sketch;
  }

  @Test
  void everyKindOfSketchRoundTripsExactly() {
    AmsSketch merged = sketch(8, 3, 1, 500);
    merged.merge(sketch(8, 3, 1, 300));
    for (AmsSketch original :
        List.of(AmsSketch.ofShape(1, 1, 0), sketch(1, 1, 2, 10), sketch(8, 3, 3, 1_000), merged,
            AmsSketch.create(0.1, 0.01, -5))) {
      byte[] bytes = original.toBytes();
      assertThat(bytes).hasSize(original.serializedSizeBytes());
      AmsSketch read = AmsSketch.fromBytes(bytes);
      assertThat(read).isEqualTo(original);
      assertThat(read.toBytes()).isEqualTo(bytes);
      assertThat(read.estimate()).isEqualTo(original.estimate());
    }
  }

  @Test
  void aRestoredSketchContinuesAndMergesAsTheOriginal() {
    AmsSketch original = sketch(8, 3, 4, 1_000);
    AmsSketch restored = AmsSketch.fromBytes(original.toBytes());
    original.update("more", 9);
    restored.update("more", 9);
    restored.merge(original.copy());
    original.merge(original.copy());
    assertThat(restored).isEqualTo(original);
  }

  @Test
  void theCommittedVersion1FixtureIsRead() throws IOException {
    byte[] fixture;
    try (InputStream in = AmsFormatTest.class.getResourceAsStream(AmsFixture.RESOURCE)) {
      assertThat(in).as(AmsFixture.RESOURCE).isNotNull();
      fixture = in.readAllBytes();
    }
    assertThat(fixture[0]).isEqualTo((byte) SketchFamily.AMS.id());
    assertThat(fixture[1]).isEqualTo((byte) 1);
    AmsSketch read = AmsSketch.fromBytes(fixture);
    assertThat(read.countersPerGroup()).isEqualTo(AmsFixture.COUNTERS_PER_GROUP);
    assertThat(read.groups()).isEqualTo(AmsFixture.GROUPS);
    assertThat(read.seed()).isEqualTo(AmsFixture.SEED);
    assertThat(read.absoluteWeight()).isEqualTo(5050 + 2500);
    assertThat(read.estimate()).isEqualTo(FIXTURE_ESTIMATE);
    // While version 1 is current, today's code builds these very bytes from the fixture's recipe.
    assertThat(AmsFixture.build().toBytes()).isEqualTo(fixture);
  }

  /** The fixture's estimate when it was written (the exact F2 is 171,700). */
  private static final double FIXTURE_ESTIMATE = 192_104;

  @Test
  void truncationAndFlippedBytesAreRejected() {
    assertRejectsTruncationAndFlips(sketch(4, 3, 5, 300).toBytes(), AmsSketch::fromBytes);
    assertRejectsTruncationAndFlips(AmsSketch.ofShape(1, 1, 5).toBytes(), AmsSketch::fromBytes);
  }

  @Test
  void anotherFamilyOrAnUnknownVersionIsRejected() {
    byte[] valid = sketch(4, 3, 5, 300).toBytes();
    assertThatThrownBy(() -> AmsSketch.fromBytes(withFamilyId(valid, SketchFamily.KLL.id())))
        .isInstanceOf(SketchFormatException.class)
        .hasMessageContaining("expected a AMS sketch but found KLL");
    assertThatThrownBy(() -> AmsSketch.fromBytes(editedWithValidChecksum(valid, b -> b.put(1, (byte) 2))))
        .isInstanceOf(SketchFormatException.class)
        .hasMessageContaining("version 2 is not supported");
  }

  @Test
  void invalidFieldsWithAValidChecksumAreRejected() {
    AmsSketch sketch = sketch(4, 3, 5, 300);
    byte[] valid = sketch.toBytes();
    int countersAt = COEFFICIENTS_AT + 32 * 12;
    assertCorrupt(valid, b -> b.putInt(S1_AT, 0), "counters per group must be >= 1: 0");
    assertCorrupt(valid, b -> b.putInt(S2_AT, -1), "groups must be >= 1: -1");
    assertCorrupt(valid, b -> b.putInt(S1_AT, 5), "counter count 15 does not fit");
    assertCorrupt(valid, b -> b.putLong(ABSOLUTE_WEIGHT_AT, -1), "negative absolute weight");
    assertCorrupt(valid, b -> b.putLong(COEFFICIENTS_AT + 8, -1), "outside [0, 2^61 − 1)");
    assertCorrupt(valid, b -> b.putLong(COEFFICIENTS_AT, (1L << 61) - 1), "outside [0, 2^61 − 1)");
    long bound = sketch.absoluteWeight();
    assertCorrupt(valid, b -> b.putLong(countersAt, bound + 1), "beyond the absolute weight");
    assertCorrupt(valid, b -> b.putLong(countersAt + 8, -bound - 1), "beyond the absolute weight");
    assertCorrupt(AmsSketch.ofShape(1, 1, 5).toBytes(), b -> b.putLong(COEFFICIENTS_AT + 32, 1),
        "beyond the absolute weight 0");
  }

  @Test
  void aHugeShapeIsRejectedBeforeAllocating() {
    byte[] valid = sketch(4, 3, 5, 300).toBytes();
    for (int[] shape : new int[][] {{1 << 20, 1}, {1 << 10, 1 << 10}, {Integer.MAX_VALUE, 1}}) {
      byte[] huge = editedWithValidChecksum(valid, b -> b.putInt(S1_AT, shape[0]).putInt(S2_AT, shape[1]));
      com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
      long before = threads.getThreadAllocatedBytes(Thread.currentThread().getId());
      assertThatThrownBy(() -> AmsSketch.fromBytes(huge)).isInstanceOf(SketchFormatException.class);
      long allocated = threads.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
      assertThat(allocated).as("bytes allocated while rejecting shape %d × %d", shape[0], shape[1]).isLessThan(1 << 20);
    }
  }

  @Test
  void theLargestSketchFitsTheStatedMaximum() {
    AmsSketch largest = AmsSketch.ofShape(AmsParameters.MAX_COUNTERS, 1, 1);
    assertThat(largest.serializedSizeBytes()).isEqualTo(AmsSketch.MAX_SERIALIZED_BYTES);
    assertThat(AmsSketch.MAX_SERIALIZED_BYTES).isLessThan(41 << 20);
  }

  private static void assertCorrupt(byte[] valid, Consumer<ByteBuffer> edit, String message) {
    byte[] edited = editedWithValidChecksum(valid, edit);
    assertThatThrownBy(() -> AmsSketch.fromBytes(edited))
        .isInstanceOf(SketchFormatException.class)
        .hasMessageContaining(message);
  }
}
