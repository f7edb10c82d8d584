package io.streamsketch.sketch.hll;

import static io.streamsketch.sketch.hll.HyperLogLog.FIELD_LOW_BITS;
import static io.streamsketch.sketch.hll.HyperLogLog.GROUP_BYTES;
import static io.streamsketch.sketch.hll.HyperLogLog.GROUP_MASK;
import static io.streamsketch.sketch.hll.HyperLogLog.LONG_LITTLE_ENDIAN;

import io.streamsketch.sketch.SketchFamily;
import io.streamsketch.sketch.SketchFormat;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Writes and reads the binary format documented on {@link HyperLogLog}, checking every invariant of the bytes read.
 *
 * <p>Reading dense bytes is on the path of every restore from keyed state, so its checks cost one pass over bytes
 * already read (see {@link #readDenseRegisters}); the exact per-register checks run only when that pass finds a
 * register that could be out of range.
 */
final class HyperLogLogFormat {
  /** The version {@link #write} writes; {@link #read} reads it and every earlier one. */
  static final int VERSION = 2;
  /** Version 1 had no sparse-precision byte: p' was implied to be 25. */
  static final int VERSION_WITHOUT_SPARSE_PRECISION = 1;
  /** Precision, mode, sparse precision, seed, HIP flag and HIP estimate, ahead of the sparse or dense data. */
  private static final int PAYLOAD_HEADER_BYTES = 1 + 1 + 1 + 8 + 1 + 8;
  static final int MAX_SERIALIZED_BYTES =
      SketchFormat.HEADER_BYTES + PAYLOAD_HEADER_BYTES + 3 * (1 << HyperLogLog.MAX_PRECISION) / 4
          + SketchFormat.TRAILER_BYTES;
  private static final int MODE_SPARSE = 0;
  private static final int MODE_DENSE = 1;

  /*
   * The fast register checks. A register above its maximum (65 − p, at least 47) is at least 48, so it has both of its
   * top bits (4 and 5) set, and bit 5 alone is set only in registers of 32 or more: a register of a real stream reaches
   * 32 with probability about 2^-31 per item, 48 about 2^-47. The checks read 32 registers (24 bytes, three
   * little-endian longs) per step. In the packed bit stream register i's bit b is bit 6i + b, so each of the three
   * longs of a block holds the same bit positions in every block, and a mask per long picks them out after the loop.
   * Bits 4 and 5 of a register never straddle two longs (6i + 4 ≡ 63 mod 64 has no solution), so the pairs are seen
   * whole. Only if some register is at least 48 does the exact check run, to name it or to accept it (48 is valid up
   * to p = 17).
   */
  private static final int BLOCK_BYTES = 24;
  private static final long[] BIT_FIVE_POSITIONS = {
    registerBitMask(5, 0), registerBitMask(5, 1), registerBitMask(5, 2)
  };
  private static final long[] BIT_FOUR_POSITIONS = {
    registerBitMask(4, 0), registerBitMask(4, 1), registerBitMask(4, 2)
  };

  private HyperLogLogFormat() {}

  /** The positions of bit {@code bit} of the 32 registers of a 24-byte block that lie in its long {@code word}. */
  private static long registerBitMask(int bit, int word) {
    long mask = 0;
    for (int register = 0; register < BLOCK_BYTES * 8 / 6; register++) {
      int position = 6 * register + bit;
      if (position / Long.SIZE == word) {
        mask |= 1L << (position % Long.SIZE);
      }
    }
    return mask;
  }

  static int payloadBytes(HyperLogLog sketch) {
    byte[] dense = sketch.denseRegisters();
    return PAYLOAD_HEADER_BYTES + (dense == null ? 4 + 4 * sketch.sparseSize() : dense.length);
  }

  static byte[] write(HyperLogLog sketch) {
    byte[] dense = sketch.denseRegisters();
    SketchFormat.Writer writer = SketchFormat.writer(SketchFamily.HYPERLOGLOG, VERSION, payloadBytes(sketch));
    writer.putByte(sketch.precision()).putByte(dense == null ? MODE_SPARSE : MODE_DENSE);
    writer.putByte(HyperLogLog.SPARSE_PRECISION).putLong(sketch.seed());
    writer.putByte(sketch.hipValid() ? 1 : 0).putDouble(sketch.hipEstimate());
    if (dense == null) {
      writer.putInt(sketch.sparseSize());
      for (int entry : sketch.sortedSparseEntries()) {
        writer.putInt(entry);
      }
    } else {
      writer.putBytes(dense);
    }
    return writer.finish();
  }

  static HyperLogLog read(byte[] bytes) {
    SketchFormat.Reader reader = SketchFormat.reader(bytes, SketchFamily.HYPERLOGLOG, VERSION);
    int precision = reader.getByte();
    HyperLogLog.checkPrecision(precision, reader::corrupt);
    int mode = reader.getByte();
    if (reader.version() > VERSION_WITHOUT_SPARSE_PRECISION) {
      int sparsePrecision = reader.getByte();
      if (sparsePrecision != HyperLogLog.SPARSE_PRECISION) {
        throw reader.corrupt(
            "sparse precision " + sparsePrecision + " is not supported: this version reads sparse entries of precision "
                + HyperLogLog.SPARSE_PRECISION + " only");
      }
    }
    long seed = reader.getLong();
    int hipFlag = reader.getByte();
    double hipEstimate = reader.getDouble();
    if (hipFlag != 0 && hipFlag != 1) {
      throw reader.corrupt("HIP state flag " + hipFlag + " is neither 0 nor 1");
    }
    boolean hipValid = hipFlag == 1;
    HyperLogLog sketch;
    int occupied;
    if (mode == MODE_SPARSE) {
      sketch = readSparse(precision, seed, reader);
      occupied = sketch.sparseSize();
    } else if (mode == MODE_DENSE) {
      byte[] registers = readDenseRegisters(bytes, precision, reader);
      occupied = hipValid ? occupiedForHipCheck(registers, 1 << precision, hipEstimate) : 0;
      sketch = HyperLogLog.ofDenseRegisters(precision, seed, registers);
    } else {
      throw reader.corrupt("unknown representation " + mode);
    }
    reader.end();
    checkHipState(hipValid, hipEstimate, occupied, mode == MODE_SPARSE ? "sparse entries" : "registers", reader);
    sketch.restoreHipState(hipValid, hipEstimate);
    return sketch;
  }

  private static HyperLogLog readSparse(int precision, long seed, SketchFormat.Reader reader) {
    int count = reader.getInt();
    int maxEntries = HyperLogLog.maxSparseEntries(precision);
    if (count < 0 || count > maxEntries) {
      throw reader.corrupt(
          "sparse entry count " + count + " is outside [0, " + maxEntries + "] for precision " + precision);
    }
    reader.checkedCount(count, 4, "sparse entry");
    HyperLogLog sketch = HyperLogLog.sparseWithCapacity(precision, seed, count);
    int previousIndex = -1;
    for (int i = 0; i < count; i++) {
      int entry = reader.getInt();
      int index = entry >>> 6;
      int rank = entry & 0x3f;
      if (entry < 0 || index <= previousIndex || rank < 1 || rank > HyperLogLog.SPARSE_MAX_RANK) {
        throw reader.corrupt(
            "sparse entry " + i + " (index " + index + ", rank " + rank + ") is not ascending or has a rank "
                + "outside [1, " + HyperLogLog.SPARSE_MAX_RANK + "]");
      }
      previousIndex = index;
      sketch.addSparseEntry(index, rank);
    }
    return sketch;
  }

  /**
   * Copies the packed registers out of {@code bytes} (one intrinsic copy, with no zeroing first) and checks that none
   * exceeds {@code 65 − precision}, on the copy, which is in cache: a pass of one OR per 8 bytes for registers of 32 or
   * more, then (only if there are some) one for registers of 48 or more, then (only if there are some) the exact check.
   */
  private static byte[] readDenseRegisters(byte[] bytes, int precision, SketchFormat.Reader reader) {
    ByteBuffer payload = reader.buffer();
    int from = payload.position();
    int length = reader.checkedCount(3 * (1 << precision) / 4, 1, "register byte");
    byte[] registers = Arrays.copyOfRange(bytes, payload.arrayOffset() + from, payload.arrayOffset() + from + length);
    payload.position(from + length);
    // At p = 4 the 12 bytes are not a whole block: the exact check reads them.
    if (length % BLOCK_BYTES != 0 || (hasRegisterOfAtLeast32(registers) && hasRegisterOfAtLeast48(registers))) {
      checkRegisters(registers, 65 - precision, reader);
    }
    return registers;
  }

  /**
   * Whether some register has bit 5 set; {@code registers} is whole 24-byte blocks. Two blocks per step, into six
   * accumulators: with three, the loop was bound by its loads' bookkeeping (73 against 60 ns for 3 KiB here).
   */
  static boolean hasRegisterOfAtLeast32(byte[] registers) {
    // An odd block out (one block at p = 5) goes first; every larger precision has an even number of blocks.
    int at = registers.length % (2 * BLOCK_BYTES);
    long first = at == 0 ? 0 : (long) LONG_LITTLE_ENDIAN.get(registers, 0);
    long second = at == 0 ? 0 : (long) LONG_LITTLE_ENDIAN.get(registers, 8);
    long third = at == 0 ? 0 : (long) LONG_LITTLE_ENDIAN.get(registers, 16);
    long fourth = 0;
    long fifth = 0;
    long sixth = 0;
    for (; at < registers.length; at += 2 * BLOCK_BYTES) {
      first |= (long) LONG_LITTLE_ENDIAN.get(registers, at);
      second |= (long) LONG_LITTLE_ENDIAN.get(registers, at + 8);
      third |= (long) LONG_LITTLE_ENDIAN.get(registers, at + 16);
      fourth |= (long) LONG_LITTLE_ENDIAN.get(registers, at + 24);
      fifth |= (long) LONG_LITTLE_ENDIAN.get(registers, at + 32);
      sixth |= (long) LONG_LITTLE_ENDIAN.get(registers, at + 40);
    }
    return (((first | fourth) & BIT_FIVE_POSITIONS[0]) | ((second | fifth) & BIT_FIVE_POSITIONS[1])
            | ((third | sixth) & BIT_FIVE_POSITIONS[2]))
        != 0;
  }

  /** Whether some register has bits 4 and 5 set; {@code registers} is whole 24-byte blocks. */
  static boolean hasRegisterOfAtLeast48(byte[] registers) {
    // Each long's adjacent set bits (x & x >>> 1), OR-ed per long of the block and masked once, at the end.
    long first = 0;
    long second = 0;
    long third = 0;
    for (int at = 0; at < registers.length; at += BLOCK_BYTES) {
      long a = (long) LONG_LITTLE_ENDIAN.get(registers, at);
      long b = (long) LONG_LITTLE_ENDIAN.get(registers, at + 8);
      long c = (long) LONG_LITTLE_ENDIAN.get(registers, at + 16);
      first |= a & (a >>> 1);
      second |= b & (b >>> 1);
      third |= c & (c >>> 1);
    }
    return ((first & BIT_FOUR_POSITIONS[0]) | (second & BIT_FOUR_POSITIONS[1]) | (third & BIT_FOUR_POSITIONS[2])) != 0;
  }

  /**
   * Fails, naming the first register above {@code maxRank}, if there is one; eight registers per step with no branch
   * (see {@link HyperLogLog#fieldsAbove}).
   */
  private static void checkRegisters(byte[] registers, int maxRank, SketchFormat.Reader reader) {
    long headroom = FIELD_LOW_BITS * (63 - maxRank);
    long tooLarge = 0;
    int last = registers.length - GROUP_BYTES;
    for (int at = 0; at < last; at += GROUP_BYTES) {
      tooLarge |= HyperLogLog.fieldsAbove((long) LONG_LITTLE_ENDIAN.get(registers, at) & GROUP_MASK, headroom);
    }
    // The last group is the top six bytes of the array's last eight (an array has at least two groups).
    tooLarge |= HyperLogLog.fieldsAbove((long) LONG_LITTLE_ENDIAN.get(registers, last - 2) >>> 16, headroom);
    if (tooLarge != 0) {
      for (int index = 0; ; index++) {
        int rank = HyperLogLog.register(registers, index);
        if (rank > maxRank) {
          throw reader.corrupt("register " + index + " holds " + rank + ", more than " + maxRank);
        }
      }
    }
  }

  /**
   * The number of non-zero registers as far as the HIP checks need it ({@link #checkHipState}): exact if the HIP
   * estimate is below m, the most there can be; otherwise the estimate is at least every count, and only whether the
   * count is 0 matters, which the first non-zero byte settles (usually the first byte).
   */
  private static int occupiedForHipCheck(byte[] registers, int m, double hipEstimate) {
    if (hipEstimate >= m) {
      for (byte packed : registers) {
        if (packed != 0) {
          return 1;
        }
      }
      return 0;
    }
    int nonZero = 0;
    int last = registers.length - GROUP_BYTES;
    for (int at = 0; at < last; at += GROUP_BYTES) {
      nonZero += HyperLogLog.nonZeroFields((long) LONG_LITTLE_ENDIAN.get(registers, at) & GROUP_MASK);
    }
    return nonZero + HyperLogLog.nonZeroFields((long) LONG_LITTLE_ENDIAN.get(registers, last - 2) >>> 16);
  }

  /**
   * Checks the HIP state read against the sketch's {@code occupied} sparse entries or non-zero registers: each state
   * change adds at least 1 to the estimate, and each entry or non-zero register took one.
   */
  private static void checkHipState(
      boolean hipValid, double estimate, int occupied, String occupiedWhat, SketchFormat.Reader reader) {
    if (!hipValid) {
      if (Double.doubleToRawLongBits(estimate) != 0) {
        throw reader.corrupt("HIP estimate " + estimate + " without HIP state, expected 0");
      }
      return;
    }
    if (!Double.isFinite(estimate) || estimate < occupied
        || (occupied == 0 && Double.doubleToRawLongBits(estimate) != 0)) {
      throw reader.corrupt(
          "HIP estimate " + estimate + " is not finite, below the " + occupied + " occupied " + occupiedWhat
              + " or non-zero for an empty sketch");
    }
  }
}
