package io.streamsketch.sketch.hll;

import static io.streamsketch.sketch.testing.SerializationChecks.assertRejectsTruncationAndFlips;
import static io.streamsketch.sketch.testing.SerializationChecks.editedWithValidChecksum;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamsketch.sketch.SketchFormatException;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The fast paths of the dense same-precision merge and of reading dense bytes (eight packed registers per step, the
 * histogram rebuilt only when needed) against the general paths, on seeded random sketches: equal bit for bit.
 */
class HyperLogLogFastPathTest {
  /** Sizes that leave a sketch dense at every precision tested, from just past the switch to saturation. */
  private static final int[] PRECISIONS = {4, 5, 8, 12, 14};

  private static HyperLogLog randomDense(int precision, SplittableRandom random) {
    return sketchOf(precision, random.nextLong(), (1 << precision) / 4 + random.nextInt(20 << precision));
  }

  /** A sketch of {@code items} random longs drawn from {@code seed}. */
  private static HyperLogLog sketchOf(int precision, long seed, int items) {
    return updated(HyperLogLog.create(precision), seed, items);
  }

  /** {@code sketch} updated with {@code items} random longs drawn from {@code seed}. */
  private static HyperLogLog updated(HyperLogLog sketch, long seed, int items) {
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < items; i++) {
      sketch.update(random.nextLong());
    }
    return sketch;
  }

  @Test
  void denseMergeEqualsTheGeneralPathsBitForBit() {
    SplittableRandom seeds = new SplittableRandom(20261130);
    for (int precision : PRECISIONS) {
      for (int trial = 0; trial < 20; trial++) {
        HyperLogLog base = randomDense(precision, seeds);
        long otherSeed = seeds.nextLong();
        int otherItems = (1 << precision) / 4 + seeds.nextInt(20 << precision);
        HyperLogLog other = sketchOf(precision, otherSeed, otherItems);
        assertThat(base.isSparse() || other.isSparse()).isFalse();
        HyperLogLog fast = base.copy();
        fast.merge(other);
        // General path 1: the other stream's sketch one precision higher, folded down register by register.
        HyperLogLog folded = base.copy();
        folded.merge(sketchOf(precision + 1, otherSeed, otherItems));
        // General path 2: no merge of registers at all, but the other stream's items, after dropping HIP state.
        HyperLogLog withoutHip = base.copy();
        withoutHip.merge(HyperLogLog.create(precision));
        HyperLogLog updated = updated(withoutHip, otherSeed, otherItems);
        int[] union = base.registerValues();
        int[] theirs = other.registerValues();
        for (int i = 0; i < union.length; i++) {
          union[i] = Math.max(union[i], theirs[i]);
        }
        assertThat(fast.registerValues()).isEqualTo(union);
        assertSameSketch(fast, folded, precision + "/" + trial + " folded");
        assertSameSketch(fast, updated, precision + "/" + trial + " updated");
      }
    }
  }

  @Test
  void sparseMergeIntoRegistersJustReadEqualsTheGeneralPathBitForBit() {
    SplittableRandom seeds = new SplittableRandom(12);
    for (int precision : PRECISIONS) {
      for (int trial = 0; trial < 20; trial++) {
        HyperLogLog base = randomDense(precision, seeds);
        base.merge(HyperLogLog.create(precision));
        // Sparse partials of this precision or a higher one (folded down), small or up to their threshold.
        int otherPrecision = precision + seeds.nextInt(3);
        HyperLogLog partial =
            sketchOf(otherPrecision, seeds.nextLong(), 1 + seeds.nextInt(HyperLogLog.maxSparseEntries(otherPrecision)));
        assertThat(partial.isSparse()).isTrue();
        HyperLogLog fast = HyperLogLog.fromBytes(base.toBytes());
        fast.merge(partial);
        // The general path: registers whose histogram is up to date, raised entry by entry.
        HyperLogLog general = base.copy();
        general.merge(partial);
        assertSameSketch(fast, general, precision + "/" + trial);
      }
    }
  }

  @Test
  void denseMergeThatChangesNothingKeepsTheEstimate() {
    HyperLogLog big = randomDense(10, new SplittableRandom(3));
    double before = big.copy().registerEstimate();
    HyperLogLog accumulator = big.copy();
    accumulator.merge(big.copy());
    accumulator.merge(big.copy());
    assertThat(accumulator.registerEstimate()).isEqualTo(before);
    assertThat(accumulator.registerValues()).isEqualTo(big.registerValues());
  }

  @Test
  void fieldOperationsMatchTheirScalarDefinition() {
    // Every pair of 6-bit values in every one of the eight fields, the others random.
    SplittableRandom random = new SplittableRandom(11);
    for (int field = 0; field < 8; field++) {
      for (int x = 0; x < 64; x++) {
        for (int y = 0; y < 64; y++) {
          long a = random.nextLong() & ((1L << 48) - 1);
          long b = random.nextLong() & ((1L << 48) - 1);
          a = (a & ~(0x3fL << 6 * field)) | (long) x << 6 * field;
          b = (b & ~(0x3fL << 6 * field)) | (long) y << 6 * field;
          long max = HyperLogLog.maxFields(a, b);
          long atLeast = HyperLogLog.fieldsAtLeast(a, b);
          int nonZero = 0;
          for (int f = 0; f < 8; f++) {
            int fa = (int) (a >>> 6 * f) & 0x3f;
            int fb = (int) (b >>> 6 * f) & 0x3f;
            assertThat((int) (max >>> 6 * f) & 0x3f).isEqualTo(Math.max(fa, fb));
            assertThat((atLeast >>> 6 * f + 5 & 1) == 1).isEqualTo(fa >= fb);
            nonZero += fa != 0 ? 1 : 0;
          }
          assertThat(max >>> 48).isZero();
          assertThat(atLeast & ~(0x041041041041L << 5)).isZero();
          assertThat(HyperLogLog.nonZeroFields(a)).isEqualTo(nonZero);
          for (int maxRank = 65 - HyperLogLog.MAX_PRECISION; maxRank <= 65 - HyperLogLog.MIN_PRECISION; maxRank++) {
            long expected = 0;
            for (int f = 0; f < 8; f++) {
              expected |= ((a >>> 6 * f) & 0x3f) > maxRank ? 1L << 6 * f + 5 : 0;
            }
            assertThat(HyperLogLog.fieldsAbove(a, 0x041041041041L * (63 - maxRank))).isEqualTo(expected);
          }
        }
      }
    }
  }

  @Test
  void readingDenseBytesEqualsTheWrittenSketchBitForBit() {
    SplittableRandom seeds = new SplittableRandom(7);
    for (int precision : PRECISIONS) {
      for (int trial = 0; trial < 10; trial++) {
        HyperLogLog updated = randomDense(precision, new SplittableRandom(seeds.nextLong()));
        HyperLogLog merged = updated.copy();
        merged.merge(randomDense(precision, new SplittableRandom(seeds.nextLong())));
        for (HyperLogLog original : new HyperLogLog[] {updated, merged}) {
          assertSameSketch(HyperLogLog.fromBytes(original.toBytes()), original, precision + "/" + trial);
        }
      }
    }
    // All registers zero and all at the cap: the extremes of the non-zero count.
    for (int precision : PRECISIONS) {
      HyperLogLog empty = HyperLogLog.create(precision);
      empty.merge(randomDense(precision, new SplittableRandom(precision)));
      byte[] bytes = empty.toBytes();
      byte[] zeros = editedWithValidChecksum(bytes, b -> {
        for (int at = 24; at < bytes.length - 4; at++) {
          b.put(at, (byte) 0);
        }
      });
      assertThat(HyperLogLog.fromBytes(zeros).isEmpty()).isTrue();
      assertThat(HyperLogLog.fromBytes(zeros).registerEstimate()).isZero();
    }
  }

  @Test
  void aRegisterAboveItsMaximumIsNamedWhereverItIs() {
    SplittableRandom random = new SplittableRandom(5);
    for (int precision : PRECISIONS) {
      int m = 1 << precision;
      int maxRank = 65 - precision;
      HyperLogLog sketch = randomDense(precision, random);
      sketch.merge(HyperLogLog.create(precision));
      byte[] valid = sketch.toBytes();
      assertThat(HyperLogLog.fromBytes(valid)).isEqualTo(sketch);
      // The first and last registers (the last group is read apart), and random ones, each given every bad value.
      int[] indexes = {0, 7, 8, m - 8, m - 1, random.nextInt(m), random.nextInt(m)};
      for (int index : indexes) {
        for (int bad = maxRank + 1; bad < 64; bad++) {
          int rank = bad;
          byte[] corrupt = editedWithValidChecksum(valid, b -> setRegister(b, 24, index, rank));
          assertThatThrownBy(() -> HyperLogLog.fromBytes(corrupt))
              .isInstanceOf(SketchFormatException.class)
              .hasMessageContaining("register " + index + " holds " + rank + ", more than " + maxRank);
        }
        // The largest valid value is accepted.
        byte[] atMax = editedWithValidChecksum(valid, b -> setRegister(b, 24, index, maxRank));
        assertThat(HyperLogLog.fromBytes(atMax).registerValues()[index]).isEqualTo(maxRank);
      }
    }
    assertRejectsTruncationAndFlips(randomDense(5, random).toBytes(), HyperLogLog::fromBytes);
  }

  @Test
  void aHipEstimateBelowTheNonZeroRegistersIsRejectedFromTheCountOfTheFastPass() {
    HyperLogLog sketch = randomDense(6, new SplittableRandom(9));
    int nonZero = 0;
    for (int value : sketch.registerValues()) {
      nonZero += value != 0 ? 1 : 0;
    }
    int occupied = nonZero;
    byte[] valid = sketch.toBytes();
    assertThatThrownBy(() -> HyperLogLog.fromBytes(editedWithValidChecksum(valid, b -> b.putDouble(16, occupied - 1))))
        .hasMessageContaining("below the " + occupied + " occupied registers");
    assertThat(HyperLogLog.fromBytes(editedWithValidChecksum(valid, b -> b.putDouble(16, occupied))).estimate())
        .isEqualTo(occupied);
  }

  @Test
  void theBlockFiltersOfTheRegisterCheckMatchTheirScalarDefinition() {
    // One register of every value at every position of each 24-byte block of 1, 2 and 3 blocks (an odd block out and
    // a pair: the filters take blocks in pairs), the others random below 32 (or below 48).
    SplittableRandom random = new SplittableRandom(13);
    for (int blocks = 1; blocks <= 3; blocks++) {
      for (int block = 0; block < blocks; block++) {
        for (int position = 0; position < 32; position++) {
          for (int value = 0; value < 64; value++) {
            for (int othersBelow : new int[] {32, 48}) {
              java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate(24 * blocks);
              for (int index = 0; index < 32 * blocks; index++) {
                setRegister(buffer, 0, index, random.nextInt(othersBelow));
              }
              setRegister(buffer, 0, 32 * block + position, value);
              byte[] registers = buffer.array();
              boolean any32 = false;
              boolean any48 = false;
              for (int index = 0; index < 32 * blocks; index++) {
                any32 |= HyperLogLog.register(registers, index) >= 32;
                any48 |= HyperLogLog.register(registers, index) >= 48;
              }
              String what = value + " at " + position + " of block " + block + " of " + blocks;
              assertThat(HyperLogLogFormat.hasRegisterOfAtLeast32(registers)).as(what).isEqualTo(any32);
              assertThat(HyperLogLogFormat.hasRegisterOfAtLeast48(registers)).as(what).isEqualTo(any48);
            }
          }
        }
      }
    }
  }

  @Test
  void registersFromThirtyTwoToTheMaximumPassTheFiltersAndReadAsWritten() {
    SplittableRandom random = new SplittableRandom(17);
    for (int precision : PRECISIONS) {
      int m = 1 << precision;
      byte[] valid = randomDense(precision, random).toBytes();
      for (int rank = 32; rank <= 65 - precision; rank++) {
        int index = random.nextInt(m);
        int value = rank;
        byte[] edited = editedWithValidChecksum(valid, b -> setRegister(b, 24, index, value));
        HyperLogLog read = HyperLogLog.fromBytes(edited);
        assertThat(read.registerValues()[index]).isEqualTo(rank);
        assertThat(read.toBytes()).isEqualTo(edited);
      }
    }
  }

  @Test
  void aHipEstimateOfAtLeastMIsStillRejectedForEmptyRegisters() {
    // An estimate of m or more exceeds any count of non-zero registers, so that count is not taken; an empty sketch
    // with a non-zero estimate must still fail.
    HyperLogLog sketch = randomDense(8, new SplittableRandom(19));
    byte[] valid = sketch.toBytes();
    assertThat(valid[15]).isEqualTo((byte) 1);
    assertThat(sketch.estimate()).isGreaterThanOrEqualTo(256);
    byte[] zeros = editedWithValidChecksum(valid, b -> {
      for (int at = 24; at < valid.length - 4; at++) {
        b.put(at, (byte) 0);
      }
    });
    assertThatThrownBy(() -> HyperLogLog.fromBytes(zeros))
        .isInstanceOf(SketchFormatException.class)
        .hasMessageContaining("non-zero for an empty sketch");
    assertThat(HyperLogLog.fromBytes(editedWithValidChecksum(zeros, b -> b.putDouble(16, 0))).isEmpty()).isTrue();
  }

  /** Sets packed register {@code index} of the dense registers starting at byte {@code from}. */
  private static void setRegister(java.nio.ByteBuffer bytes, int from, int index, int rank) {
    int at = from + 3 * (index >>> 2);
    int shift = 6 * (index & 3);
    int word = (bytes.get(at) & 0xff) | (bytes.get(at + 1) & 0xff) << 8 | (bytes.get(at + 2) & 0xff) << 16;
    word = (word & ~(0x3f << shift)) | rank << shift;
    bytes.put(at, (byte) word).put(at + 1, (byte) (word >>> 8)).put(at + 2, (byte) (word >>> 16));
  }

  /**
   * Equal as values and in everything derived from the registers (the histogram, its smallest value, the estimate,
   * the bounds, the change weights of further updates), and still equal after the same further updates.
   */
  private static void assertSameSketch(HyperLogLog actual, HyperLogLog expected, String what) {
    assertThat(actual).as(what).isEqualTo(expected);
    assertThat(actual.toBytes()).as(what).isEqualTo(expected.toBytes());
    assertThat(actual.isEmpty()).as(what).isEqualTo(expected.isEmpty());
    assertThat(actual.registerEstimate()).as(what).isEqualTo(expected.registerEstimate());
    assertThat(actual.estimate()).as(what).isEqualTo(expected.estimate());
    assertThat(actual.lowerBound(2)).as(what).isEqualTo(expected.lowerBound(2));
    assertThat(actual.upperBound(2)).as(what).isEqualTo(expected.upperBound(2));
    HyperLogLog actualMore = actual.copy();
    HyperLogLog expectedMore = expected.copy();
    for (long item = -1; item > -5_000; item--) {
      actualMore.update(item);
      expectedMore.update(item);
    }
    assertThat(actualMore).as(what).isEqualTo(expectedMore);
    assertThat(actualMore.estimate()).as(what).isEqualTo(expectedMore.estimate());
    assertThat(actualMore.registerEstimate()).as(what).isEqualTo(expectedMore.registerEstimate());
  }
}
