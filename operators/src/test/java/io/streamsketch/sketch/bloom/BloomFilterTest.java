package io.streamsketch.sketch.bloom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.streamsketch.sketch.SketchFamily;
import io.streamsketch.sketch.SketchFormat;
import io.streamsketch.sketch.SketchFormatException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BloomFilterTest {
  private static final long SEED = 9001;
  private static final int ITEMS = 100_000;
  private static final int PROBES = 1_000_000;

  @Test
  void sizesFromExpectedItemsAndRate() {
    // m = ceil(1e5 * ln(100) / ln(2)^2) = 958,506, rounded up to a multiple of 64; k = round(m/n * ln 2) = 7.
    assertThat(BloomFilter.optimalNumBits(100_000, 0.01)).isEqualTo(958_528);
    assertThat(BloomFilter.optimalNumHashes(100_000, 958_528)).isEqualTo(7);
    BloomFilter filter = BloomFilter.forExpectedItems(100_000, 0.001, SEED);
    assertThat(filter.numBits()).isEqualTo(1_437_760);
    assertThat(filter.numHashes()).isEqualTo(10);
    assertThat(filter.seed()).isEqualTo(SEED);
    assertThat(BloomFilter.forExpectedItems(1_000, 0.5, SEED).numHashes()).isEqualTo(1);
  }

  @Test
  void roundsExplicitSizeUpToWholeWords() {
    assertThat(BloomFilter.withSize(1, 3, SEED).numBits()).isEqualTo(64);
    assertThat(BloomFilter.withSize(65, 3, SEED).numBits()).isEqualTo(128);
    assertThat(BloomFilter.withSize(128, 3, SEED).numBits()).isEqualTo(128);
  }

  @Test
  void rejectsInvalidParametersWithClearMessages() {
    assertThatThrownBy(() -> BloomFilter.forExpectedItems(0, 0.01, SEED))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("expected item count must be at least 1: 0");
    assertThatThrownBy(() -> BloomFilter.forExpectedItems(10, 1.5, SEED))
        .hasMessage("false-positive rate must be in (0, 1): 1.5");
    assertThatThrownBy(() -> BloomFilter.forExpectedItems(10, 0, SEED))
        .hasMessage("false-positive rate must be in (0, 1): 0.0");
    assertThatThrownBy(() -> BloomFilter.forExpectedItems(10, Double.NaN, SEED))
        .hasMessage("false-positive rate must be in (0, 1): NaN");
    assertThatThrownBy(() -> BloomFilter.forExpectedItems(10_000_000_000L, 1e-9, SEED))
        .hasMessageStartingWith("a filter for 10000000000 items at false-positive rate 1.0E-9 needs")
        .hasMessageEndingWith("bits, more than the maximum 8589934592");
    assertThatThrownBy(() -> BloomFilter.forExpectedItems(1, 1e-60, SEED))
        .hasMessageContaining("hashes, more than the maximum 128");
    assertThatThrownBy(() -> BloomFilter.withSize(0, 3, SEED)).hasMessage("numBits must be in [1, 8589934592]: 0");
    assertThatThrownBy(() -> BloomFilter.withSize((1L << 33) + 1, 3, SEED))
        .hasMessage("numBits must be in [1, 8589934592]: 8589934593");
    assertThatThrownBy(() -> BloomFilter.withSize(64, 0, SEED)).hasMessage("numHashes must be in [1, 128]: 0");
    assertThatThrownBy(() -> BloomFilter.withSize(64, 129, SEED)).hasMessage("numHashes must be in [1, 128]: 129");
  }

  @Test
  void neverGivesFalseNegatives() {
    BloomFilter filter = BloomFilter.forExpectedItems(ITEMS, 0.01, SEED);
    SplittableRandom random = new SplittableRandom(1);
    long[] longs = random.longs(ITEMS).toArray();
    List<String> strings = new ArrayList<>();
    List<byte[]> arrays = new ArrayList<>();
    for (int i = 0; i < ITEMS / 10; i++) {
      strings.add("user-" + random.nextInt() + "-\u00e9\u4e2d");
      byte[] bytes = new byte[random.nextInt(40)];
      random.nextBytes(bytes);
      arrays.add(bytes);
    }
    for (long item : longs) {
      filter.add(item);
    }
    strings.forEach(filter::add);
    arrays.forEach(filter::add);
    for (long item : longs) {
      assertThat(filter.mightContain(item)).isTrue();
    }
    assertThat(strings).allMatch(filter::mightContain);
    assertThat(arrays).allMatch(filter::mightContain);
  }

  @Test
  void stringsAreHashedAsTheirUtf8Bytes() {
    BloomFilter filter = BloomFilter.withSize(1024, 5, SEED);
    filter.add("clé");
    assertThat(filter.mightContain("clé".getBytes(StandardCharsets.UTF_8))).isTrue();
  }

  @Test
  void addReportsWhetherTheItemWasCertainlyNew() {
    BloomFilter filter = BloomFilter.forExpectedItems(1000, 0.01, SEED);
    assertThat(filter.add(42L)).isTrue();
    assertThat(filter.add(42L)).isFalse();
    assertThat(filter.add("a")).isTrue();
    assertThat(filter.add("a")).isFalse();
  }

  @ParameterizedTest
  @ValueSource(doubles = {0.01, 0.001})
  void measuredFalsePositiveRateIsWithinTwentyPercentOfTarget(double target) {
    BloomFilter filter = BloomFilter.forExpectedItems(ITEMS, target, SEED);
    for (long i = 0; i < ITEMS; i++) {
      filter.add(i);
    }
    double measured = measuredFalsePositiveRate(filter);
    assertThat(measured).isCloseTo(target, within(0.2 * target));
    // The fill-based estimates agree with what was measured and what was added.
    assertThat(filter.expectedFalsePositiveRate()).isCloseTo(measured, within(0.1 * measured));
    assertThat(filter.approximateItemCount()).isCloseTo(ITEMS, within(0.02 * ITEMS));
  }

  @Test
  void estimatesOfAnEmptyAndAFullFilter() {
    BloomFilter filter = BloomFilter.withSize(64, 2, SEED);
    assertThat(filter.isEmpty()).isTrue();
    assertThat(filter.expectedFalsePositiveRate()).isZero();
    assertThat(filter.approximateItemCount()).isZero();
    for (long i = 0; i < 10_000; i++) {
      filter.add(i);
    }
    assertThat(filter.bitCount()).isEqualTo(64);
    assertThat(filter.expectedFalsePositiveRate()).isEqualTo(1.0);
    assertThat(filter.approximateItemCount()).isInfinite();
  }

  @Test
  void mergeIsBitForBitTheFilterOfBothStreams() {
    BloomFilter a = BloomFilter.forExpectedItems(10_000, 0.01, SEED);
    BloomFilter b = BloomFilter.forExpectedItems(10_000, 0.01, SEED);
    BloomFilter both = BloomFilter.forExpectedItems(10_000, 0.01, SEED);
    for (long i = 0; i < 6_000; i++) {
      a.add(i);
      both.add(i);
    }
    for (long i = 4_000; i < 10_000; i++) {
      b.add("item " + i);
      both.add("item " + i);
    }
    BloomFilter ab = a.copy();
    ab.merge(b);
    BloomFilter ba = b.copy();
    ba.merge(a);
    assertThat(ab).isEqualTo(both).isEqualTo(ba).hasSameHashCodeAs(both);
    assertThat(a).isNotEqualTo(both);
  }

  @Test
  void insertionOrderDoesNotMatter() {
    List<Long> items = new ArrayList<>();
    for (long i = 0; i < 5_000; i++) {
      items.add(i * 7919);
    }
    BloomFilter inOrder = BloomFilter.forExpectedItems(5_000, 0.01, SEED);
    items.forEach(inOrder::add);
    Collections.shuffle(items, new Random(3));
    BloomFilter shuffled = BloomFilter.forExpectedItems(5_000, 0.01, SEED);
    items.forEach(shuffled::add);
    assertThat(shuffled).isEqualTo(inOrder);
  }

  @Test
  void rejectsMergingIncompatibleFilters() {
    BloomFilter filter = BloomFilter.withSize(1024, 3, SEED);
    assertThatThrownBy(() -> filter.merge(BloomFilter.withSize(2048, 3, SEED)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "cannot merge Bloom filters with different parameters: (numBits 1024, numHashes 3, seed 9001) and"
                + " (numBits 2048, numHashes 3, seed 9001)");
    assertThatThrownBy(() -> filter.merge(BloomFilter.withSize(1024, 4, SEED)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> filter.merge(BloomFilter.withSize(1024, 3, SEED + 1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void copyIsIndependent() {
    BloomFilter filter = BloomFilter.withSize(1024, 3, SEED);
    filter.add(1L);
    BloomFilter copy = filter.copy();
    copy.add(2L);
    assertThat(filter.mightContain(2L)).isFalse();
    assertThat(copy.mightContain(1L)).isTrue();
  }

  @Test
  void serdeRoundTripIsExact() {
    BloomFilter empty = BloomFilter.withSize(64, 1, -1);
    assertThat(BloomFilter.fromBytes(empty.toBytes())).isEqualTo(empty);
    BloomFilter filter = BloomFilter.forExpectedItems(1_000, 0.01, SEED);
    for (long i = 0; i < 1_000; i++) {
      filter.add(i);
    }
    byte[] bytes = filter.toBytes();
    assertThat(bytes).hasSize(4 + 8 + 4 + 8 + (int) filter.numBits() / 8 + 4);
    BloomFilter restored = BloomFilter.fromBytes(bytes);
    assertThat(restored).isEqualTo(filter).hasSameHashCodeAs(filter);
    assertThat(restored.toBytes()).isEqualTo(bytes);
    assertThat(restored.mightContain(999L)).isTrue();
  }

  @Test
  void rejectsEveryTruncationAndEveryFlippedByte() {
    BloomFilter filter = BloomFilter.withSize(256, 3, SEED);
    filter.add("x");
    byte[] bytes = filter.toBytes();
    for (int length = 0; length < bytes.length; length++) {
      byte[] truncated = Arrays.copyOf(bytes, length);
      assertThatThrownBy(() -> BloomFilter.fromBytes(truncated)).isInstanceOf(SketchFormatException.class);
    }
    for (int i = 0; i < bytes.length; i++) {
      byte[] corrupt = bytes.clone();
      corrupt[i] ^= 0x10;
      assertThatThrownBy(() -> BloomFilter.fromBytes(corrupt)).isInstanceOf(SketchFormatException.class);
    }
    assertThatThrownBy(() -> BloomFilter.fromBytes(null)).isInstanceOf(SketchFormatException.class);
  }

  @Test
  void rejectsAnotherFamily() {
    byte[] bytes = BloomFilter.withSize(64, 1, SEED).toBytes();
    bytes[0] = (byte) SketchFamily.SKIP_RESERVOIR.id();
    assertThatThrownBy(() -> BloomFilter.fromBytes(withValidChecksum(bytes)))
        .isInstanceOf(SketchFormatException.class)
        .hasMessage("expected a BLOOM_FILTER sketch but found SKIP_RESERVOIR");
  }

  @Test
  void rejectsMaliciousParametersWithAValidChecksum() {
    assertThatThrownBy(() -> BloomFilter.fromBytes(forged(1L << 40, 3, 1)))
        .isInstanceOf(SketchFormatException.class)
        .hasMessageContaining("numBits must be a multiple of 64 in [64, 8589934592]: 1099511627776");
    assertThatThrownBy(() -> BloomFilter.fromBytes(forged(100, 3, 2)))
        .isInstanceOf(SketchFormatException.class)
        .hasMessageContaining("numBits must be a multiple of 64");
    assertThatThrownBy(() -> BloomFilter.fromBytes(forged(128, 0, 2)))
        .isInstanceOf(SketchFormatException.class)
        .hasMessageContaining("numHashes must be in [1, 128]: 0");
    assertThatThrownBy(() -> BloomFilter.fromBytes(forged(128, 1000, 2)))
        .isInstanceOf(SketchFormatException.class)
        .hasMessageContaining("numHashes must be in [1, 128]: 1000");
    // A large numBits with a short bit array must fail before allocating the array.
    assertThatThrownBy(() -> BloomFilter.fromBytes(forged(1L << 33, 3, 2)))
        .isInstanceOf(SketchFormatException.class)
        .hasMessageContaining("bit-array word count 134217728 does not fit in the 16 bytes left");
    assertThatThrownBy(() -> BloomFilter.fromBytes(forged(64, 3, 2)))
        .isInstanceOf(SketchFormatException.class)
        .hasMessageContaining("8 unexpected trailing bytes");
  }

  /** Its bits were set by the old probe sequence: read with the new one, its items would be missed. */
  @Test
  void rejectsFormatVersion1WithTheReason() {
    assertThatThrownBy(() -> BloomFilter.fromBytes(forged(1, 64, 3, 1)))
        .isInstanceOf(SketchFormatException.class)
        .hasMessageContaining("BLOOM_FILTER: format version 1 is no longer supported (supported: 2 to 2)")
        .hasMessageContaining("rebuild the filter from its stream");
  }

  private static double measuredFalsePositiveRate(BloomFilter filter) {
    long falsePositives = 0;
    for (long i = ITEMS; i < ITEMS + PROBES; i++) {
      if (filter.mightContain(i)) {
        falsePositives++;
      }
    }
    return (double) falsePositives / PROBES;
  }

  /** Envelope with the given parameters followed by {@code words} zero longs. */
  private static byte[] forged(long numBits, int numHashes, int words) {
    return forged(BloomFilter.SERIAL_VERSION, numBits, numHashes, words);
  }

  private static byte[] forged(int version, long numBits, int numHashes, int words) {
    SketchFormat.Writer writer = SketchFormat.writer(SketchFamily.BLOOM_FILTER, version, 20 + 8 * words);
    writer.putLong(numBits).putInt(numHashes).putLong(SEED);
    for (int i = 0; i < words; i++) {
      writer.putLong(0);
    }
    return writer.finish();
  }

  private static byte[] withValidChecksum(byte[] bytes) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, bytes.length - 4);
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(bytes.length - 4, (int) crc.getValue());
    return bytes;
  }
}
