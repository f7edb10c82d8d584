package io.streamsketch.sketch.hll;

import static io.streamsketch.sketch.testing.SerializationChecks.assertRejectsTruncationAndFlips;
import static io.streamsketch.sketch.testing.SerializationChecks.editedWithValidChecksum;
import static io.streamsketch.sketch.testing.SerializationChecks.withFamilyId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.withinPercentage;

import io.streamsketch.sketch.SketchFamily;
import io.streamsketch.sketch.SketchFormatException;
import io.streamsketch.sketch.hash.MurmurHash3;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class HyperLogLogTest {
  private static final long SEED = HyperLogLog.DEFAULT_SEED;

  private static HyperLogLog sketchOf(int precision, long from, long count) {
    HyperLogLog sketch = HyperLogLog.create(precision);
    for (long i = from; i < from + count; i++) {
      sketch.update(i);
    }
    return sketch;
  }

  /** Registers computed the slow, obvious way from the definition. */
  private static int[] referenceRegisters(int precision, long from, long count) {
    int[] registers = new int[1 << precision];
    int q = 64 - precision;
    for (long i = from; i < from + count; i++) {
      long hash = MurmurHash3.hash128(i, SEED).h1();
      int index = (int) (hash >>> q);
      long rest = hash << precision;
      int rank = 1;
      while (rank <= q && rest >= 0) {
        rest <<= 1;
        rank++;
      }
      registers[index] = Math.max(registers[index], rank);
    }
    return registers;
  }

  private static int sparseEntries(long from, long count) {
    Set<Long> indexes = new HashSet<>();
    for (long i = from; i < from + count; i++) {
      indexes.add(MurmurHash3.hash128(i, SEED).h1() >>> (64 - HyperLogLog.SPARSE_PRECISION));
    }
    return indexes.size();
  }

  @Test
  void rejectsInvalidParameters() {
    assertThatThrownBy(() -> HyperLogLog.create(3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("precision must be in [4, 18]: 3");
    assertThatThrownBy(() -> HyperLogLog.create(19)).hasMessage("precision must be in [4, 18]: 19");
    assertThatThrownBy(() -> HyperLogLog.create(12).lowerBound(0)).hasMessage("numStdDev must be in (0, 3]: 0.0");
    assertThatThrownBy(() -> HyperLogLog.create(12, 1).merge(HyperLogLog.create(12, 2)))
        .hasMessage("cannot merge sketches with different seed: 1 vs 2");
  }

  @Test
  void registersMatchTheDefinitionInSparseAndDenseModes() {
    for (int precision : new int[] {4, 5, 8, 12, 14, 18}) {
      for (long count : new long[] {0, 1, 2, 20, HyperLogLog.maxSparseEntries(precision), 3_000, 70_000}) {
        HyperLogLog sketch = sketchOf(precision, 1000, count);
        assertThat(sketch.registerValues())
            .as("p=%d n=%d", precision, count)
            .isEqualTo(referenceRegisters(precision, 1000, count));
        assertThat(sketch.isSparse()).isEqualTo(sparseEntries(1000, count) <= HyperLogLog.maxSparseEntries(precision));
        assertThat(sketch.isEmpty()).isEqualTo(count == 0);
      }
    }
  }

  @Test
  void smallCardinalitiesAreExactWhileSparse() {
    for (int trial = 0; trial < 20; trial++) {
      HyperLogLog sketch = HyperLogLog.create(12, trial);
      for (int n = 1; n <= HyperLogLog.maxSparseEntries(12); n++) {
        sketch.update(n);
        sketch.update(n); // duplicates change nothing
        assertThat(sketch.isSparse()).isTrue();
        if (n <= 100) {
          assertThat(Math.round(sketch.estimate())).as("trial %d", trial).isEqualTo(n);
        }
        assertThat(Math.abs(sketch.estimate() - n)).isLessThanOrEqualTo(1);
      }
    }
    assertThat(HyperLogLog.create(12).estimate()).isZero();
  }

  @Test
  void longsBytesAndStringsHashAsTheirBytes() {
    HyperLogLog fromLongs = HyperLogLog.create(10);
    HyperLogLog fromBytes = HyperLogLog.create(10);
    HyperLogLog fromStrings = HyperLogLog.create(10);
    HyperLogLog fromUtf8 = HyperLogLog.create(10);
    for (long i = 0; i < 5000; i++) {
      fromLongs.update(i);
      fromBytes.update(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(i).array());
      fromStrings.update("user-ü-" + i);
      fromUtf8.update(("user-ü-" + i).getBytes(StandardCharsets.UTF_8));
    }
    assertThat(fromBytes).isEqualTo(fromLongs);
    assertThat(fromUtf8).isEqualTo(fromStrings);
  }

  @Test
  void mergeFoldsToTheSmallerPrecisionRegisterForRegister() {
    // Sparse and dense on each side: 30 and 50 items stay sparse, 5,000 and 80,000 do not.
    long[][] sizes = {{50, 30}, {50, 5_000}, {80_000, 30}, {80_000, 5_000}, {1_000, 900}};
    for (long[] size : sizes) {
      HyperLogLog fine = sketchOf(14, 0, size[0]);
      HyperLogLog coarse = sketchOf(10, 1_000_000, size[1]);
      HyperLogLog union = sketchOf(10, 0, size[0]);
      for (long i = 1_000_000; i < 1_000_000 + size[1]; i++) {
        union.update(i);
      }
      HyperLogLog fineIntoCoarse = coarse.copy();
      fineIntoCoarse.merge(fine);
      HyperLogLog coarseIntoFine = fine.copy();
      coarseIntoFine.merge(coarse);
      assertThat(fineIntoCoarse).isEqualTo(coarseIntoFine).hasSameHashCodeAs(coarseIntoFine);
      for (HyperLogLog merged : new HyperLogLog[] {fineIntoCoarse, coarseIntoFine}) {
        assertThat(merged.precision()).isEqualTo(10);
        assertThat(merged.registerValues()).as("sizes %d, %d", size[0], size[1]).isEqualTo(union.registerValues());
        assertThat(merged.isSparse()).isEqualTo(union.isSparse());
        // The union was updated, so it has HIP state; the merged sketches do not.
        assertThat(merged).isNotEqualTo(union);
        assertThat(merged.estimate()).isEqualTo(merged.registerEstimate()).isEqualTo(union.registerEstimate());
        assertThat(HyperLogLog.fromBytes(merged.toBytes())).isEqualTo(merged);
      }
    }
  }

  @Test
  void mergeEqualsTheSketchOfBothStreamsInAnyOrder() {
    SplittableRandom random = new SplittableRandom(5);
    long[] a = random.longs(20_000).toArray();
    long[] b = random.longs(300).toArray();
    for (int[] split : new int[][] {{20_000, 300}, {200, 300}, {20_000, 20_000}}) {
      HyperLogLog left = HyperLogLog.create(12);
      HyperLogLog right = HyperLogLog.create(12);
      HyperLogLog forward = HyperLogLog.create(12);
      HyperLogLog backward = HyperLogLog.create(12);
      for (int i = 0; i < split[0]; i++) {
        left.update(a[i]);
        forward.update(a[i]);
      }
      for (int i = 0; i < Math.min(split[1], b.length); i++) {
        right.update(b[i]);
        right.update(a[i]); // overlap
        forward.update(b[i]);
        forward.update(a[i]);
      }
      for (int i = Math.min(split[1], b.length) - 1; i >= 0; i--) {
        backward.update(a[i]);
        backward.update(b[i]);
      }
      for (int i = split[0] - 1; i >= 0; i--) {
        backward.update(a[i]);
      }
      HyperLogLog merged = left.copy();
      merged.merge(right);
      HyperLogLog otherWay = right.copy();
      otherWay.merge(left);
      assertThat(merged).isEqualTo(otherWay).hasSameHashCodeAs(otherWay);
      // Registers and the register estimate do not depend on the order; the HIP estimate does.
      assertThat(merged.registerValues()).isEqualTo(forward.registerValues()).isEqualTo(backward.registerValues());
      assertThat(merged.estimate())
          .isEqualTo(forward.registerEstimate())
          .isEqualTo(backward.registerEstimate());
      merged.merge(merged);
      assertThat(merged).isEqualTo(otherWay);
    }
  }

  @Test
  void hipEstimateDependsOnTheOrderOfUpdatesButRegistersDoNot() {
    long[] items = new SplittableRandom(8).longs(50_000).toArray();
    HyperLogLog forward = HyperLogLog.create(12);
    HyperLogLog backward = HyperLogLog.create(12);
    for (int i = 0; i < items.length; i++) {
      forward.update(items[i]);
      backward.update(items[items.length - 1 - i]);
    }
    assertThat(forward.registerValues()).isEqualTo(backward.registerValues());
    assertThat(forward.registerEstimate()).isEqualTo(backward.registerEstimate());
    assertThat(forward.estimate()).isNotEqualTo(backward.estimate());
    assertThat(forward).isNotEqualTo(backward);
    for (HyperLogLog sketch : new HyperLogLog[] {forward, backward}) {
      assertThat(sketch.estimate()).isNotEqualTo(sketch.registerEstimate()).isCloseTo(50_000, withinPercentage(5));
    }
  }

  /**
   * The HIP estimate, recomputed from its definition: on every state change, add 1/P with P the probability that a
   * new hash changes the state, computed by brute force over the sparse buckets, then the registers.
   */
  @Test
  void hipEstimateMatchesItsDefinitionAcrossTheSparseToDenseSwitch() {
    for (int precision : new int[] {4, 8, 12}) {
      HyperLogLog sketch = HyperLogLog.create(precision);
      int q = 64 - precision;
      int sparseBits = HyperLogLog.SPARSE_PRECISION;
      Map<Integer, Integer> sparse = new HashMap<>();
      int[] registers = null;
      double expected = 0;
      for (long item = 0; item < 20_000; item++) {
        long hash = MurmurHash3.hash128(item, SEED).h1();
        if (registers == null) {
          int index = (int) (hash >>> (64 - sparseBits));
          int rank = rank(hash, sparseBits);
          Integer old = sparse.get(index);
          if (old == null || rank > old) {
            double weight = (1 << sparseBits) - sparse.size();
            for (int r : sparse.values()) {
              weight += r <= 64 - sparseBits ? Math.pow(2, -r) : 0;
            }
            expected += (1 << sparseBits) / weight;
            sparse.put(index, rank);
            if (sparse.size() > HyperLogLog.maxSparseEntries(precision)) {
              registers = referenceRegisters(precision, 0, item + 1);
            }
          }
        } else {
          int index = (int) (hash >>> q);
          int rank = rank(hash, precision);
          if (rank > registers[index]) {
            double weight = 0;
            for (int r : registers) {
              weight += r <= q ? Math.pow(2, -r) : 0;
            }
            expected += (1 << precision) / weight;
            registers[index] = rank;
          }
        }
        sketch.update(item);
        assertThat(sketch.estimate()).as("p=%d item %d", precision, item).isCloseTo(expected, withinPercentage(1e-9));
      }
      assertThat(sketch.isSparse()).isFalse();
      assertThat(sketch.registerValues()).isEqualTo(registers);
    }
  }

  /**
   * Ranks of 32 and more go to the second, low-order change weight, and a register at the cap (q + 1) can never change,
   * so it weighs 0. Register 0 of a p = 4 sketch is empty, 14 hold 45 and one holds the cap 61: the next update that
   * reaches register 0 adds {@code 1/P = 16/(1 + 14·2^−45)}.
   */
  @Test
  void hipWeighsHighRanksExactlyAndRegistersAtTheCapNotAtAll() {
    int[] ranks = new int[16];
    Arrays.fill(ranks, 1, 15, 45);
    ranks[15] = 61;
    byte[] bytes = editedWithValidChecksum(sketchOf(4, 0, 1_000).toBytes(), b -> {
      b.putDouble(16, 100);
      for (int i = 0; i < 16; i += 4) {
        int word = ranks[i] | ranks[i + 1] << 6 | ranks[i + 2] << 12 | ranks[i + 3] << 18;
        int at = 24 + 3 * i / 4;
        b.put(at, (byte) word).put(at + 1, (byte) (word >>> 8)).put(at + 2, (byte) (word >>> 16));
      }
    });
    HyperLogLog sketch = HyperLogLog.fromBytes(bytes);
    assertThat(sketch.registerValues()).isEqualTo(ranks);
    long item = 0;
    while (sketch.estimate() == 100) {
      sketch.update(item++);
    }
    assertThat(sketch.estimate()).isEqualTo(100 + 16 / (1 + 14 * Math.pow(2, -45)));
    assertThat(sketch.registerValues()[0]).isPositive();
    assertThat(Arrays.copyOfRange(sketch.registerValues(), 1, 16)).isEqualTo(Arrays.copyOfRange(ranks, 1, 16));
  }

  private static int rank(long hash, int precision) {
    long rest = hash << precision;
    int rank = 1;
    while (rank <= 64 - precision && rest >= 0) {
      rest <<= 1;
      rank++;
    }
    return rank;
  }

  @Test
  void mergeFallsBackToTheRegisterEstimateAndStaysAccurate() {
    HyperLogLog left = sketchOf(12, 0, 600_000);
    HyperLogLog right = sketchOf(12, 400_000, 600_000);
    HyperLogLog union = sketchOf(12, 0, 1_000_000);
    left.merge(right);
    assertThat(left.estimate()).isEqualTo(left.registerEstimate()).isEqualTo(union.registerEstimate());
    assertThat(left.relativeStandardError()).isEqualTo(1.04 / 64);
    assertThat(union.relativeStandardError()).isEqualTo(Math.sqrt(Math.log(2)) / 64);
    // Within 3 standard errors of the register estimate.
    assertThat(left.estimate()).isCloseTo(1_000_000, withinPercentage(300 * 1.04 / 64));
    assertThat(union.estimate()).isCloseTo(1_000_000, withinPercentage(300 * Math.sqrt(Math.log(2)) / 64));
    // The merged sketch stays without HIP state through updates, copies and serialization.
    left.update(-1L);
    assertThat(left.estimate()).isEqualTo(left.registerEstimate());
    assertThat(HyperLogLog.fromBytes(left.copy().toBytes()).estimate()).isEqualTo(left.registerEstimate());
  }

  @Test
  void copyIsIndependentAndBoundsBracketTheEstimate() {
    HyperLogLog sketch = sketchOf(12, 0, 10_000);
    HyperLogLog copy = sketch.copy();
    copy.update(-1L);
    copy.update(-2L);
    copy.update(-3L);
    assertThat(sketch).isEqualTo(sketchOf(12, 0, 10_000));
    assertThat(copy.estimate()).isGreaterThan(sketch.estimate());
    assertThat(sketch.relativeStandardError()).isEqualTo(Math.sqrt(Math.log(2)) / 64);
    assertThat(sketch.lowerBound(2)).isLessThan(sketch.estimate());
    assertThat(sketch.upperBound(2)).isGreaterThan(sketch.estimate());
    assertThat(sketch.lowerBound(2)).isLessThan(10_000);
    assertThat(sketch.upperBound(2)).isGreaterThan(10_000);
    HyperLogLog small = sketchOf(12, 0, 3);
    assertThat(small.lowerBound(3)).isEqualTo(3);
  }

  @Test
  void sparseEntriesAreWrittenAscendingAtEveryTableSize() {
    // fromBytes rejects entries that are not ascending; every table size between the first and the last sparse one.
    for (int precision : new int[] {4, 12, 18}) {
      HyperLogLog sketch = HyperLogLog.create(precision);
      for (long i = 0; sketch.isSparse(); i++) {
        if (i < 1_000 || i % 499 == 0) {
          assertThat(HyperLogLog.fromBytes(sketch.toBytes())).as("precision %d, %d items", precision, i).isEqualTo(sketch);
        }
        sketch.update(i * 7_919);
      }
    }
  }

  @Test
  void serializationRoundTripsExactly() {
    for (int precision : new int[] {4, 11, 18}) {
      for (long count : new long[] {0, 7, 20_000}) {
        HyperLogLog sketch = sketchOf(precision, 0, count);
        byte[] bytes = sketch.toBytes();
        assertThat(bytes).hasSize(sketch.serializedSizeBytes());
        if (!sketch.isSparse()) {
          assertThat(bytes).hasSize(4 + 20 + 3 * (1 << precision) / 4 + 4);
        }
        HyperLogLog merged = sketchOf(precision, 0, count);
        merged.merge(sketchOf(precision, 5, 3));
        for (HyperLogLog original : new HyperLogLog[] {sketch, merged}) {
          HyperLogLog read = HyperLogLog.fromBytes(original.toBytes());
          assertThat(read).isEqualTo(original).hasSameHashCodeAs(original);
          assertThat(read.toBytes()).isEqualTo(original.toBytes());
          assertThat(read.estimate()).isEqualTo(original.estimate());
          assertThat(read.registerEstimate()).isEqualTo(original.registerEstimate());
          // The HIP change probability is recomputed exactly, so further updates agree bit for bit.
          for (long item = -1; item > -1_000; item--) {
            read.update(item);
            original.update(item);
          }
          assertThat(read).isEqualTo(original);
          assertThat(read.estimate()).isEqualTo(original.estimate());
        }
      }
    }
  }

  @Test
  void rejectsTruncatedAndCorruptBytes() {
    assertRejectsTruncationAndFlips(sketchOf(12, 0, 30).toBytes(), HyperLogLog::fromBytes);
    assertRejectsTruncationAndFlips(sketchOf(6, 0, 1_000).toBytes(), HyperLogLog::fromBytes);
    byte[] sparse = sketchOf(12, 0, 30).toBytes();
    byte[] dense = sketchOf(4, 0, 1_000).toBytes();
    assertThatThrownBy(() -> HyperLogLog.fromBytes(withFamilyId(sparse, SketchFamily.COUNT_MIN.id())))
        .isInstanceOf(SketchFormatException.class)
        .hasMessageContaining("expected a HYPERLOGLOG sketch but found COUNT_MIN");
    assertThatThrownBy(() -> HyperLogLog.fromBytes(editedWithValidChecksum(sparse, b -> b.put(4, (byte) 19))))
        .isInstanceOf(SketchFormatException.class)
        .hasMessageContaining("precision must be in [4, 18]: 19");
    assertThatThrownBy(() -> HyperLogLog.fromBytes(editedWithValidChecksum(sparse, b -> b.put(5, (byte) 2))))
        .hasMessageContaining("unknown representation 2");
    // Format version 2 records the sparse precision; one this code does not use is refused, never misread.
    assertThatThrownBy(() -> HyperLogLog.fromBytes(editedWithValidChecksum(sparse, b -> b.put(6, (byte) 26))))
        .isInstanceOf(SketchFormatException.class)
        .hasMessageContaining("sparse precision 26 is not supported");
    assertThatThrownBy(() -> HyperLogLog.fromBytes(editedWithValidChecksum(sparse, b -> b.putInt(24, 385))))
        .hasMessageContaining("sparse entry count 385 is outside [0, 384]");
    assertThatThrownBy(() -> HyperLogLog.fromBytes(editedWithValidChecksum(sparse, b -> b.putInt(24, 300))))
        .hasMessageContaining("does not fit");
    assertThatThrownBy(() -> HyperLogLog.fromBytes(editedWithValidChecksum(sparse, b -> b.putInt(24, -1))))
        .hasMessageContaining("outside");
    assertThatThrownBy(() -> HyperLogLog.fromBytes(editedWithValidChecksum(sparse, b -> b.putInt(32, b.getInt(28)))))
        .hasMessageContaining("not ascending");
    assertThatThrownBy(
            () -> HyperLogLog.fromBytes(editedWithValidChecksum(sparse, b -> b.putInt(28, b.getInt(28) & ~0x3f))))
        .hasMessageContaining("rank outside [1, 40]");
    assertThatThrownBy(
            () -> HyperLogLog.fromBytes(editedWithValidChecksum(sparse, b -> b.putInt(28, b.getInt(28) | 41))))
        .hasMessageContaining("rank outside [1, 40]");
    assertThatThrownBy(() -> HyperLogLog.fromBytes(editedWithValidChecksum(sparse, b -> b.putInt(28, -1))))
        .isInstanceOf(SketchFormatException.class);
    // p = 4 allows ranks up to 61; 0xff in the first byte puts 63 in register 0.
    assertThatThrownBy(() -> HyperLogLog.fromBytes(editedWithValidChecksum(dense, b -> b.put(24, (byte) 0xff))))
        .hasMessageContaining("register 0 holds 63, more than 61");
    byte[] denseAsSparseSize = editedWithValidChecksum(dense, b -> b.put(5, (byte) 0));
    assertThatThrownBy(() -> HyperLogLog.fromBytes(denseAsSparseSize)).isInstanceOf(SketchFormatException.class);
  }

  @Test
  void rejectsCorruptHipState() {
    HyperLogLog mergedSketch = sketchOf(12, 0, 30);
    mergedSketch.merge(sketchOf(12, 100, 30));
    byte[] merged = mergedSketch.toBytes();
    byte[] sparse = sketchOf(12, 0, 30).toBytes();
    byte[] dense = sketchOf(4, 0, 1_000).toBytes();
    byte[] empty = HyperLogLog.create(12).toBytes();
    assertThat(merged[15]).isZero();
    assertThat(sparse[15]).isEqualTo((byte) 1);
    assertRejectsTruncationAndFlips(merged, HyperLogLog::fromBytes);
    assertRejectsTruncationAndFlips(empty, HyperLogLog::fromBytes);
    assertThatThrownBy(() -> HyperLogLog.fromBytes(editedWithValidChecksum(sparse, b -> b.put(15, (byte) 2))))
        .isInstanceOf(SketchFormatException.class)
        .hasMessageContaining("HIP state flag 2 is neither 0 nor 1");
    assertThatThrownBy(() -> HyperLogLog.fromBytes(editedWithValidChecksum(merged, b -> b.putDouble(16, 60))))
        .hasMessageContaining("HIP estimate 60.0 without HIP state, expected 0");
    assertThatThrownBy(() -> HyperLogLog.fromBytes(editedWithValidChecksum(merged, b -> b.putDouble(16, -0.0))))
        .hasMessageContaining("HIP estimate -0.0 without HIP state");
    for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY, -1, 0, 29.5}) {
      assertThatThrownBy(() -> HyperLogLog.fromBytes(editedWithValidChecksum(sparse, b -> b.putDouble(16, bad))))
          .as("HIP estimate %s", bad)
          .hasMessageContaining("is not finite, below the 30 occupied sparse entries");
    }
    assertThatThrownBy(() -> HyperLogLog.fromBytes(editedWithValidChecksum(dense, b -> b.putDouble(16, 15))))
        .hasMessageContaining("below the 16 occupied registers");
    assertThatThrownBy(() -> HyperLogLog.fromBytes(editedWithValidChecksum(empty, b -> b.putDouble(16, 1))))
        .hasMessageContaining("non-zero for an empty sketch");
    // A valid HIP estimate that is not the sketch's own is accepted: it is only bounded, not recomputable.
    HyperLogLog edited = HyperLogLog.fromBytes(editedWithValidChecksum(sparse, b -> b.putDouble(16, 31.5)));
    assertThat(edited.estimate()).isEqualTo(31.5);
    assertThat(edited).isNotEqualTo(sketchOf(12, 0, 30));
  }
}
