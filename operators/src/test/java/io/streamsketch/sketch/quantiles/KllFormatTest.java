package io.streamsketch.sketch.quantiles;

import static io.streamsketch.sketch.testing.SerializationChecks.assertRejectsTruncationAndFlips;
import static io.streamsketch.sketch.testing.SerializationChecks.editedWithValidChecksum;
import static io.streamsketch.sketch.testing.SerializationChecks.withFamilyId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamsketch.sketch.SketchFamily;
import io.streamsketch.sketch.SketchFormat;
import io.streamsketch.sketch.SketchFormatException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.function.Consumer;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class KllFormatTest {
  /** Payload offsets, after the 4-byte envelope header (see the class documentation of KllSketch). */
  private static final int K_AT = 4;
  private static final int N_AT = 8;
  private static final int MIN_AT = 24;
  private static final int MAX_AT = 32;
  private static final int LEVELS_AT = 40;
  private static final int SIZES_AT = 41;

  private static KllSketch sketch(int k, long seed, int n) {
    KllSketch sketch = KllSketch.create(k, seed);
    for (double item : RankErrors.permutation(n, seed)) {
      sketch.update(item);
    }
    return sketch;
  }

  @Test
  void everyKindOfSketchRoundTripsExactly() {
    KllSketch merged = sketch(100, 1, 30_000);
    merged.merge(sketch(60, 2, 20_000));
    for (KllSketch original :
        List.of(KllSketch.create(), sketch(8, 1, 1), sketch(200, 2, 150), sketch(200, 3, 100_000), merged)) {
      byte[] bytes = original.toBytes();
      assertThat(bytes).hasSize(original.serializedSizeBytes());
      KllSketch read = KllSketch.fromBytes(bytes);
      assertThat(read).isEqualTo(original);
      assertThat(read.toBytes()).isEqualTo(bytes);
      if (!original.isEmpty()) {
        assertThat(read.quantile(0.5)).isEqualTo(original.quantile(0.5));
      }
    }
  }

  @Test
  void aRestoredSketchContinuesAsTheOriginal() {
    KllSketch original = sketch(50, 4, 10_000);
    KllSketch restored = KllSketch.fromBytes(original.toBytes());
    for (int i = 0; i < 10_000; i++) {
      original.update(-i);
      restored.update(-i);
    }
    assertThat(restored).isEqualTo(original);
  }

  @Test
  void theCommittedVersion1FixtureIsRead() throws IOException {
    byte[] fixture;
    try (InputStream in = KllFormatTest.class.getResourceAsStream(KllFixture.RESOURCE)) {
      assertThat(in).as(KllFixture.RESOURCE).isNotNull();
      fixture = in.readAllBytes();
    }
    assertThat(fixture[0]).isEqualTo((byte) SketchFamily.KLL.id());
    assertThat(fixture[1]).isEqualTo((byte) 1);
    KllSketch read = KllSketch.fromBytes(fixture);
    assertThat(read.k()).isEqualTo(64);
    assertThat(read.n()).isEqualTo(1_000);
    assertThat(read.min()).isEqualTo(0);
    assertThat(read.max()).isEqualTo(249.75);
    assertThat(read.retainedItems()).isEqualTo(155);
    assertThat(read.numLevels()).isEqualTo(5);
    assertThat(read.quantiles(new double[] {0.1, 0.5, 0.9, 0.99})).containsExactly(24.5, 123.25, 222.25, 246.5);
    assertThat(read.rank(100)).isEqualTo(0.409);
    // While version 1 is current, today's code builds these very bytes from the fixture's recipe.
    assertThat(KllFixture.build().toBytes()).isEqualTo(fixture);
  }

  @Test
  void truncationAndFlippedBytesAreRejected() {
    assertRejectsTruncationAndFlips(sketch(8, 5, 300).toBytes(), KllSketch::fromBytes);
    assertRejectsTruncationAndFlips(KllSketch.create().toBytes(), KllSketch::fromBytes);
  }

  @Test
  void anotherFamilyOrAnUnknownVersionIsRejected() {
    byte[] valid = sketch(8, 5, 300).toBytes();
    assertThatThrownBy(() -> KllSketch.fromBytes(withFamilyId(valid, SketchFamily.HYPERLOGLOG.id())))
        .isInstanceOf(SketchFormatException.class)
        .hasMessageContaining("expected a KLL sketch");
    assertThatThrownBy(() -> KllSketch.fromBytes(editedWithValidChecksum(valid, b -> b.put(1, (byte) 2))))
        .isInstanceOf(SketchFormatException.class)
        .hasMessageContaining("version 2 is not supported");
  }

  @Test
  void invalidFieldsWithAValidChecksumAreRejected() {
    byte[] valid = sketch(8, 5, 300).toBytes();
    int levels = valid[LEVELS_AT];
    int itemsAt = SIZES_AT + 4 * levels;
    assertCorrupt(valid, b -> b.putInt(K_AT, 7), "k 7");
    assertCorrupt(valid, b -> b.putInt(K_AT, 65_536), "k 65536");
    assertCorrupt(valid, b -> b.putLong(N_AT, -1), "negative item count");
    assertCorrupt(valid, b -> b.putLong(N_AT, 301), "weigh 300 but the item count is 301");
    assertCorrupt(valid, b -> b.put(LEVELS_AT, (byte) 0), "level count 0");
    assertCorrupt(valid, b -> b.put(LEVELS_AT, (byte) 62), "level count 62");
    assertCorrupt(valid, b -> b.putInt(SIZES_AT, -1), "negative size");
    assertCorrupt(valid, b -> b.putDouble(MIN_AT, b.getDouble(MAX_AT)), "outside [min");
    assertCorrupt(valid, b -> b.putDouble(MAX_AT, -1), "not ordered");
    assertCorrupt(valid, b -> b.putDouble(itemsAt, Double.NaN), "outside [min");
    // Level 1 is sorted: swap its first two items.
    int level1At = itemsAt + 8 * ByteBuffer.wrap(valid).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt(SIZES_AT);
    assertCorrupt(
        valid,
        b -> {
          double first = b.getDouble(level1At);
          b.putDouble(level1At, b.getDouble(level1At + 8));
          b.putDouble(level1At + 8, first);
        },
        "not sorted");
    byte[] empty = KllSketch.create().toBytes();
    assertCorrupt(empty, b -> b.putDouble(MIN_AT, 0), "an empty sketch has min");
  }

  @Test
  void aHugeLevelSizeIsRejectedBeforeAllocating() {
    byte[] valid = sketch(8, 5, 300).toBytes();
    for (int size : new int[] {1 << 30, Integer.MAX_VALUE}) {
      byte[] huge = editedWithValidChecksum(valid, b -> b.putInt(SIZES_AT, size));
      com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
      long before = threads.getThreadAllocatedBytes(Thread.currentThread().getId());
      assertThatThrownBy(() -> KllSketch.fromBytes(huge)).isInstanceOf(SketchFormatException.class);
      long allocated = threads.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
      assertThat(allocated).as("bytes allocated while rejecting size %d", size).isLessThan(1 << 20);
    }
  }

  @Test
  void theLargestSketchFitsTheStatedMaximum() {
    assertThat(KllSketch.MAX_SERIALIZED_BYTES)
        .isGreaterThan(SketchFormat.HEADER_BYTES + 8 * 3 * KllParameters.MAX_K)
        .isLessThan(8 * 4 * KllParameters.MAX_K);
    KllSketch big = sketch(KllParameters.MAX_K, 6, 1_000_000);
    assertThat(big.serializedSizeBytes()).isLessThanOrEqualTo(KllSketch.MAX_SERIALIZED_BYTES);
  }

  private static void assertCorrupt(byte[] valid, Consumer<ByteBuffer> edit, String message) {
    byte[] edited = editedWithValidChecksum(valid, edit);
    assertThatThrownBy(() -> KllSketch.fromBytes(edited))
        .isInstanceOf(SketchFormatException.class)
        .hasMessageContaining(message);
  }
}
