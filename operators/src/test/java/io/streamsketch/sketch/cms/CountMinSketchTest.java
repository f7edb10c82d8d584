package io.streamsketch.sketch.cms;

import static io.streamsketch.sketch.testing.SerializationChecks.assertRejectsTruncationAndFlips;
import static io.streamsketch.sketch.testing.SerializationChecks.editedWithValidChecksum;
import static io.streamsketch.sketch.testing.SerializationChecks.withFamilyId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamsketch.sketch.SketchFamily;
import io.streamsketch.sketch.SketchFormatException;
import io.streamsketch.sketch.testing.ZipfGenerator;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CountMinSketchTest {
  private static final int UNIVERSE = 20_000;
  private static final int STREAM_LENGTH = 300_000;

  private static CountMinSketch sketch(double epsilon, double delta, boolean conservative) {
    return CountMinSketch.builder().accuracy(epsilon, delta).seed(42).conservativeUpdate(conservative).build();
  }

  private static int[] zipfStream(long seed) {
    return new ZipfGenerator(UNIVERSE, 1.1, seed).stream(STREAM_LENGTH);
  }

  private static long[] trueCounts(int[] stream) {
    long[] counts = new long[UNIVERSE];
    for (int item : stream) {
      counts[item]++;
    }
    return counts;
  }

  @Test
  void dimensionsFollowEpsilonAndDelta() {
    CountMinSketch sketch = sketch(0.01, 0.01, false);
    assertThat(sketch.width()).isEqualTo(272); // ⌈e / 0.01⌉
    assertThat(sketch.depth()).isEqualTo(5); // ⌈ln 100⌉
    assertThat(sketch.epsilon()).isLessThanOrEqualTo(0.01);
    assertThat(sketch.confidence()).isGreaterThanOrEqualTo(0.99);
    assertThat(CountMinSketch.builder().accuracy(0.5, 0.9).build().depth()).isEqualTo(1);
  }

  @Test
  void rejectsInvalidParametersWithClearMessages() {
    assertThatThrownBy(() -> CountMinSketch.builder().accuracy(1.5, 0.1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("epsilon must be in (0, 1): 1.5");
    assertThatThrownBy(() -> CountMinSketch.builder().accuracy(0.1, 0))
        .hasMessage("delta must be in (0, 1): 0.0");
    assertThatThrownBy(() -> CountMinSketch.builder().accuracy(Double.NaN, 0.1))
        .hasMessage("epsilon must be in (0, 1): NaN");
    assertThatThrownBy(() -> CountMinSketch.builder().accuracy(1e-9, 0.1))
        .hasMessageContaining("more than the maximum " + CountMinSketch.MAX_WIDTH);
    assertThatThrownBy(() -> CountMinSketch.builder().accuracy(0.1, 1e-20))
        .hasMessageContaining("more than the maximum " + CountMinSketch.MAX_DEPTH);
    assertThatThrownBy(() -> CountMinSketch.builder().dimensions(0, 3))
        .hasMessage("width must be in [1, " + CountMinSketch.MAX_WIDTH + "]: 0");
    assertThatThrownBy(() -> CountMinSketch.builder().dimensions(10, 33))
        .hasMessage("depth must be in [1, " + CountMinSketch.MAX_DEPTH + "]: 33");
    assertThatThrownBy(() -> CountMinSketch.builder().dimensions(1 << 22, 5))
        .hasMessageContaining("exceeds the maximum of " + CountMinSketch.MAX_CELLS + " counters");
    assertThatThrownBy(() -> CountMinSketch.builder().build()).isInstanceOf(IllegalStateException.class);
    CountMinSketch sketch = sketch(0.1, 0.1, false);
    assertThatThrownBy(() -> sketch.update(1L, -1)).hasMessage("count must be >= 0: -1");
  }

  @Test
  void longsBytesAndStringsHashAsTheirBytes() {
    CountMinSketch sketch = sketch(0.01, 0.01, false);
    sketch.update(12345L, 3);
    sketch.update("page/α", 5);
    byte[] longBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(12345L).array();
    assertThat(sketch.estimate(longBytes)).isEqualTo(3);
    assertThat(sketch.estimate("page/α".getBytes(StandardCharsets.UTF_8))).isEqualTo(5);
    assertThat(sketch.totalCount()).isEqualTo(8);
    assertThat(sketch.errorBound()).isEqualTo(sketch.epsilon() * 8);
  }

  @Test
  void neverUnderestimatesAndMeetsTheErrorBoundOnZipfStreams() {
    for (boolean conservative : new boolean[] {false, true}) {
      int[] stream = zipfStream(7);
      long[] truth = trueCounts(stream);
      CountMinSketch sketch = sketch(0.001, 0.01, conservative);
      for (int item : stream) {
        sketch.update(item, 1);
      }
      int distinct = 0;
      int withinBound = 0;
      for (int item = 0; item < UNIVERSE; item++) {
        long estimate = sketch.estimate(item);
        assertThat(estimate).as("item %d, conservative %s", item, conservative).isGreaterThanOrEqualTo(truth[item]);
        if (truth[item] > 0) {
          distinct++;
          if (estimate - truth[item] <= sketch.errorBound()) {
            withinBound++;
          }
        }
      }
      assertThat((double) withinBound / distinct).isGreaterThanOrEqualTo(sketch.confidence());
    }
  }

  @Test
  void conservativeUpdateNeverExceedsStandardUpdate() {
    int[] stream = zipfStream(8);
    long[] truth = trueCounts(stream);
    CountMinSketch standard = sketch(0.002, 0.01, false);
    CountMinSketch conservative = sketch(0.002, 0.01, true);
    for (int item : stream) {
      standard.update(item, 1);
      conservative.update(item, 1);
    }
    long standardError = 0;
    long conservativeError = 0;
    for (int item = 0; item < UNIVERSE; item++) {
      assertThat(conservative.estimate(item)).isBetween(truth[item], standard.estimate(item));
      standardError += standard.estimate(item) - truth[item];
      conservativeError += conservative.estimate(item) - truth[item];
    }
    assertThat(conservativeError).isLessThan(standardError);
  }

  @Test
  void standardMergeEqualsTheSketchOfBothStreamsInAnyOrder() {
    int[] a = zipfStream(1);
    int[] b = zipfStream(2);
    CountMinSketch left = sketch(0.005, 0.01, false);
    CountMinSketch right = sketch(0.005, 0.01, false);
    CountMinSketch both = sketch(0.005, 0.01, false);
    CountMinSketch reversed = sketch(0.005, 0.01, false);
    SplittableRandom random = new SplittableRandom(3);
    for (int item : a) {
      long count = random.nextInt(5);
      left.update(item, count);
      both.update(item, count);
      reversed.update(item, count);
    }
    for (int item : b) {
      right.update("item-" + item, 2);
      both.update("item-" + item, 2);
    }
    for (int i = b.length - 1; i >= 0; i--) {
      reversed.update("item-" + b[i], 2);
    }
    CountMinSketch merged = left.copy();
    merged.merge(right);
    assertThat(merged).isEqualTo(both).isEqualTo(reversed).hasSameHashCodeAs(both);
    CountMinSketch otherWay = right.copy();
    otherWay.merge(left);
    assertThat(otherWay).isEqualTo(both);
  }

  @Test
  void conservativeMergeNeverUnderestimatesAndStaysWithinStandardUpdate() {
    int[] a = zipfStream(4);
    int[] b = zipfStream(5);
    CountMinSketch left = sketch(0.002, 0.01, true);
    CountMinSketch right = sketch(0.002, 0.01, true);
    CountMinSketch standard = sketch(0.002, 0.01, false);
    long[] truth = new long[UNIVERSE];
    for (int item : a) {
      left.update(item, 1);
      standard.update(item, 1);
      truth[item]++;
    }
    for (int item : b) {
      right.update(item, 1);
      standard.update(item, 1);
      truth[item]++;
    }
    left.merge(right);
    assertThat(left.totalCount()).isEqualTo(a.length + b.length);
    for (int item = 0; item < UNIVERSE; item++) {
      assertThat(left.estimate(item)).isBetween(truth[item], standard.estimate(item));
    }
  }

  @Test
  void mergeRejectsMismatchesByName() {
    CountMinSketch base = CountMinSketch.builder().dimensions(100, 4).seed(1).build();
    assertThatThrownBy(() -> base.merge(CountMinSketch.builder().dimensions(101, 4).seed(1).build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("cannot merge sketches with different width: 100 vs 101");
    assertThatThrownBy(() -> base.merge(CountMinSketch.builder().dimensions(100, 5).seed(1).build()))
        .hasMessage("cannot merge sketches with different depth: 4 vs 5");
    assertThatThrownBy(() -> base.merge(CountMinSketch.builder().dimensions(100, 4).seed(2).build()))
        .hasMessage("cannot merge sketches with different seed: 1 vs 2");
    assertThatThrownBy(
            () -> base.merge(CountMinSketch.builder().dimensions(100, 4).seed(1).conservativeUpdate(true).build()))
        .hasMessageContaining("different update modes");
  }

  @Test
  void totalCountOverflowIsRejectedAndLeavesTheSketchUnchanged() {
    CountMinSketch sketch = sketch(0.1, 0.1, false);
    sketch.update(1L, Long.MAX_VALUE - 1);
    CountMinSketch before = sketch.copy();
    assertThatThrownBy(() -> sketch.update(2L, 2)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> sketch.merge(before)).isInstanceOf(IllegalStateException.class);
    assertThat(sketch).isEqualTo(before);
    sketch.update(2L, 1);
    assertThat(sketch.totalCount()).isEqualTo(Long.MAX_VALUE);
    assertThat(CountMinSketch.fromBytes(sketch.toBytes())).isEqualTo(sketch);
  }

  @Test
  void copyIsIndependent() {
    CountMinSketch sketch = sketch(0.01, 0.1, false);
    sketch.update("a", 1);
    CountMinSketch copy = sketch.copy();
    copy.update("a", 1);
    assertThat(sketch.estimate("a")).isEqualTo(1);
    assertThat(copy.estimate("a")).isEqualTo(2);
    assertThat(copy).isNotEqualTo(sketch);
  }

  @Test
  void serializationRoundTripsExactly() {
    for (boolean conservative : new boolean[] {false, true}) {
      CountMinSketch empty = sketch(0.01, 0.05, conservative);
      assertThat(CountMinSketch.fromBytes(empty.toBytes())).isEqualTo(empty);
      CountMinSketch sketch = sketch(0.01, 0.05, conservative);
      for (int item : zipfStream(9)) {
        sketch.update(item, 1 + item % 3);
      }
      byte[] bytes = sketch.toBytes();
      assertThat(bytes).hasSize(sketch.serializedSizeBytes()).hasSize(4 + 25 + 16 * 3 + 8 * 272 * 3 + 4);
      CountMinSketch read = CountMinSketch.fromBytes(bytes);
      assertThat(read).isEqualTo(sketch).hasSameHashCodeAs(sketch);
      assertThat(read.toBytes()).isEqualTo(bytes);
      assertThat(read.isConservativeUpdate()).isEqualTo(conservative);
    }
  }

  @Test
  void rejectsTruncatedAndCorruptBytes() {
    CountMinSketch sketch = CountMinSketch.builder().dimensions(16, 3).seed(5).build();
    for (int i = 0; i < 100; i++) {
      sketch.update(i, i);
    }
    assertRejectsTruncationAndFlips(sketch.toBytes(), CountMinSketch::fromBytes);
    assertThatThrownBy(() -> CountMinSketch.fromBytes(null)).isInstanceOf(SketchFormatException.class);
  }

  @Test
  void rejectsStructurallyInvalidBytesWithAValidChecksum() {
    CountMinSketch sketch = CountMinSketch.builder().dimensions(16, 3).seed(5).build();
    sketch.update(1L, 10);
    byte[] valid = sketch.toBytes();
    assertThatThrownBy(() -> CountMinSketch.fromBytes(withFamilyId(valid, SketchFamily.HYPERLOGLOG.id())))
        .isInstanceOf(SketchFormatException.class)
        .hasMessageContaining("expected a COUNT_MIN sketch but found HYPERLOGLOG");
    assertThatThrownBy(() -> CountMinSketch.fromBytes(editedWithValidChecksum(valid, b -> b.put(1, (byte) 3))))
        .hasMessageContaining("version 3 is not supported");
    // Version 1 placed its counters by double hashing: never read (or merged, or updated) with version 2's rows.
    assertThatThrownBy(() -> CountMinSketch.fromBytes(editedWithValidChecksum(valid, b -> b.put(1, (byte) 1))))
        .isInstanceOf(SketchFormatException.class)
        .hasMessageContaining("COUNT_MIN: format version 1 is no longer supported (supported: 2 to 2)")
        .hasMessageContaining("rebuild the sketch from its stream");
    assertThatThrownBy(() -> CountMinSketch.fromBytes(editedWithValidChecksum(valid, b -> b.putLong(29, 0))))
        .hasMessageContaining("row 0 hash coefficients (0, ");
    assertThatThrownBy(() -> CountMinSketch.fromBytes(editedWithValidChecksum(valid, b -> b.putLong(37, -1))))
        .hasMessageContaining("are outside [1, p) × [0, p)");
    // Huge dimensions must be refused before allocating anything.
    assertThatThrownBy(
            () -> CountMinSketch.fromBytes(editedWithValidChecksum(valid, b -> b.putInt(4, Integer.MAX_VALUE))))
        .isInstanceOf(SketchFormatException.class)
        .hasMessageContaining("width must be in");
    assertThatThrownBy(() -> CountMinSketch.fromBytes(editedWithValidChecksum(valid, b -> b.putInt(4, 1 << 24))))
        .hasMessageContaining("exceeds the maximum");
    assertThatThrownBy(() -> CountMinSketch.fromBytes(editedWithValidChecksum(valid, b -> b.putInt(4, 1 << 20))))
        .hasMessageContaining("counter count");
    assertThatThrownBy(() -> CountMinSketch.fromBytes(editedWithValidChecksum(valid, b -> b.put(20, (byte) 2))))
        .hasMessageContaining("unknown flags");
    assertThatThrownBy(() -> CountMinSketch.fromBytes(editedWithValidChecksum(valid, b -> b.putLong(21, -1))))
        .hasMessageContaining("negative total count");
    assertThatThrownBy(() -> CountMinSketch.fromBytes(editedWithValidChecksum(valid, b -> b.putLong(21, 11))))
        .hasMessageContaining("sums to 10, not N = 11");
    assertThatThrownBy(() -> CountMinSketch.fromBytes(editedWithValidChecksum(valid, b -> b.putLong(21, 9))))
        .hasMessageContaining("outside [0, N = 9]");
    assertThatThrownBy(() -> CountMinSketch.fromBytes(editedWithValidChecksum(valid, b -> b.putLong(29 + 16 * 3, -5))))
        .hasMessageContaining("outside [0, N");
  }

  /** Counters start after the header and the rows' coefficients: offset 29 + 16·depth. */
  private static byte[] withCounters(byte[] valid, int depth, long totalCount, boolean conservative, long... counters) {
    return editedWithValidChecksum(valid, b -> {
      b.put(20, (byte) (conservative ? 1 : 0));
      b.putLong(21, totalCount);
      for (int i = 0; i < counters.length; i++) {
        b.putLong(29 + 16 * depth + 8 * i, counters[i]);
      }
    });
  }

  @Test
  void rowChecksHoldForCountersNearTheLimitOfALong() {
    byte[] valid = CountMinSketch.builder().dimensions(4, 1).seed(5).build().toBytes();
    long max = Long.MAX_VALUE;
    assertThat(CountMinSketch.fromBytes(withCounters(valid, 1, max, false, max - 1, 1, 0, 0)).totalCount())
        .isEqualTo(max);
    assertThat(CountMinSketch.fromBytes(withCounters(valid, 1, max, true, max, 0, 0, 0)).totalCount()).isEqualTo(max);
    // Sums that wrap around a long must not pass for small ones.
    assertThatThrownBy(() -> CountMinSketch.fromBytes(withCounters(valid, 1, max, false, max, 1, 0, 0)))
        .isInstanceOf(SketchFormatException.class)
        .hasMessageContaining("row 0 sums to more than N = " + max);
    assertThatThrownBy(() -> CountMinSketch.fromBytes(withCounters(valid, 1, max, true, 1L << 62, 1L << 62, 1L << 62, 0)))
        .hasMessageContaining("row 0 sums to more than N");
    assertThatThrownBy(() -> CountMinSketch.fromBytes(withCounters(valid, 1, max, true, max, max, max, max)))
        .hasMessageContaining("row 0 sums to more than N");
    assertThatThrownBy(() -> CountMinSketch.fromBytes(withCounters(valid, 1, max, true, 3, Long.MIN_VALUE, 0, 0)))
        .hasMessageContaining("counter -9223372036854775808 at row 0 is outside [0, N");
  }

  /** The row checks against their definition, on random tables: accepted exactly when the definition holds. */
  @Test
  void rowChecksAcceptExactlyTheValidTables() {
    SplittableRandom random = new SplittableRandom(17);
    int width = 5;
    int depth = 2;
    byte[] valid = CountMinSketch.builder().dimensions(width, depth).seed(5).build().toBytes();
    for (int trial = 0; trial < 5_000; trial++) {
      boolean conservative = random.nextBoolean();
      // Small values, huge ones and values near N, so sums land below, at and above N, and overflow.
      long total = random.nextBoolean() ? random.nextLong(20) : Long.MAX_VALUE - random.nextLong(3);
      long[] counters = new long[width * depth];
      for (int i = 0; i < counters.length; i++) {
        counters[i] = switch (random.nextInt(4)) {
          case 0 -> random.nextLong(6);
          case 1 -> total / width + random.nextLong(-1, 2);
          case 2 -> random.nextLong();
          default -> 0;
        };
      }
      if (random.nextBoolean()) {
        // Often make each row sum to N exactly (modulo 2^64: the reference below decides).
        for (int row = 0; row < depth; row++) {
          long sum = 0;
          for (int j = row * width; j < (row + 1) * width - 1; j++) {
            sum += counters[j];
          }
          counters[(row + 1) * width - 1] = total - sum;
        }
      }
      boolean expected = true;
      for (int row = 0; row < depth; row++) {
        BigInteger sum = BigInteger.ZERO;
        for (int j = row * width; j < (row + 1) * width; j++) {
          expected &= counters[j] >= 0;
          sum = sum.add(BigInteger.valueOf(counters[j]));
        }
        int order = sum.compareTo(BigInteger.valueOf(total));
        expected &= conservative ? order <= 0 : order == 0;
      }
      byte[] bytes = withCounters(valid, depth, total, conservative, counters);
      if (expected) {
        assertThat(CountMinSketch.fromBytes(bytes).totalCount()).isEqualTo(total);
      } else {
        assertThatThrownBy(() -> CountMinSketch.fromBytes(bytes)).isInstanceOf(SketchFormatException.class);
      }
    }
  }
}
