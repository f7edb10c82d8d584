package io.streamsketch.sketch.quantiles;

import io.streamsketch.sketch.SketchFamily;
import io.streamsketch.sketch.SketchFormat;
import java.nio.ByteBuffer;

/** Writes and reads the binary format documented on {@link KllSketch}. */
final class KllFormat {
  static final int VERSION = 1;
  /** k, n, coin state, min, max, number of levels. */
  private static final int FIXED_PAYLOAD_BYTES = 4 + 8 + 8 + 8 + 8 + 1;
  static final int MAX_SERIALIZED_BYTES =
      SketchFormat.HEADER_BYTES
          + payloadBytes(KllParameters.MAX_LEVELS, KllParameters.totalCapacity(KllParameters.MAX_K, KllParameters.MAX_LEVELS))
          + SketchFormat.TRAILER_BYTES;

  private KllFormat() {}

  static int payloadBytes(int numLevels, int retained) {
    return FIXED_PAYLOAD_BYTES + Integer.BYTES * numLevels + Double.BYTES * retained;
  }

  static byte[] write(KllLevels levels, long coinState) {
    SketchFormat.Writer writer =
        SketchFormat.writer(SketchFamily.KLL, VERSION, payloadBytes(levels.numLevels, levels.retained));
    writer.putInt(levels.k).putLong(levels.n).putLong(coinState).putDouble(levels.min).putDouble(levels.max);
    writer.putByte(levels.numLevels);
    for (int level = 0; level < levels.numLevels; level++) {
      writer.putInt(levels.sizes[level]);
    }
    ByteBuffer buffer = writer.buffer();
    for (int level = 0; level < levels.numLevels; level++) {
      buffer.asDoubleBuffer().put(levels.items[level], 0, levels.sizes[level]);
      buffer.position(buffer.position() + Double.BYTES * levels.sizes[level]);
    }
    return writer.finish();
  }

  /** The state read, and the coin state, checked against every invariant of the format. */
  record Decoded(KllLevels levels, long coinState) {}

  static Decoded read(byte[] bytes) {
    SketchFormat.Reader reader = SketchFormat.reader(bytes, SketchFamily.KLL, VERSION);
    int k = reader.getInt();
    if (k < KllParameters.MIN_K || k > KllParameters.MAX_K) {
      throw reader.corrupt("k " + k + " is outside [" + KllParameters.MIN_K + ", " + KllParameters.MAX_K + "]");
    }
    long n = reader.getLong();
    if (n < 0) {
      throw reader.corrupt("negative item count " + n);
    }
    long coinState = reader.getLong();
    double min = reader.getDouble();
    double max = reader.getDouble();
    int numLevels = reader.getByte();
    if (numLevels < 1 || numLevels > KllParameters.MAX_LEVELS) {
      throw reader.corrupt("level count " + numLevels + " is outside [1, " + KllParameters.MAX_LEVELS + "]");
    }
    reader.checkedCount(numLevels, Integer.BYTES, "level size");
    int[] sizes = new int[numLevels];
    long retained = 0;
    long weight = 0;
    for (int level = 0; level < numLevels; level++) {
      sizes[level] = reader.getInt();
      if (sizes[level] < 0) {
        throw reader.corrupt("level " + level + " has a negative size " + sizes[level]);
      }
      retained += sizes[level];
      weight = levelWeightAdded(weight, sizes[level], level, reader);
    }
    int capacity = KllParameters.totalCapacity(k, numLevels);
    if (retained > capacity) {
      throw reader.corrupt(retained + " retained items exceed the capacity " + capacity + " of k " + k + " with "
          + numLevels + " levels");
    }
    if (weight != n) {
      throw reader.corrupt("the retained items weigh " + weight + " but the item count is " + n);
    }
    reader.checkedCount(retained, Double.BYTES, "item");
    checkExtremes(n, min, max, reader);
    KllLevels levels = new KllLevels(k);
    for (int level = 1; level < numLevels; level++) {
      levels.addLevel();
    }
    // The item count was checked against the bytes left: read them straight from the buffer.
    ByteBuffer buffer = reader.buffer();
    for (int level = 0; level < numLevels; level++) {
      double[] items = new double[Math.max(sizes[level], level == 0 ? levels.capacity(0) : 1)];
      buffer.asDoubleBuffer().get(items, 0, sizes[level]);
      buffer.position(buffer.position() + Double.BYTES * sizes[level]);
      for (int i = 0; i < sizes[level]; i++) {
        double item = items[i];
        if (!(item >= min && item <= max)) {
          throw reader.corrupt("item " + item + " of level " + level + " is outside [min " + min + ", max " + max + "]");
        }
        if (level > 0 && i > 0 && item < items[i - 1]) {
          throw reader.corrupt("level " + level + " is not sorted: " + items[i - 1] + " then " + item);
        }
      }
      levels.items[level] = items;
      levels.sizes[level] = sizes[level];
    }
    reader.end();
    levels.n = n;
    levels.min = min;
    levels.max = max;
    levels.retained = (int) retained;
    return new Decoded(levels, coinState);
  }

  /** {@code total + size·2^level}, failing on overflow: the weights must add up to n, a long. */
  private static long levelWeightAdded(long total, int size, int level, SketchFormat.Reader reader) {
    if (size == 0) {
      return total;
    }
    if (level >= 63 || size > (Long.MAX_VALUE >> level) || total > Long.MAX_VALUE - ((long) size << level)) {
      throw reader.corrupt("the weight of level " + level + " (" + size + " items of 2^" + level + ") overflows");
    }
    return total + ((long) size << level);
  }

  private static void checkExtremes(long n, double min, double max, SketchFormat.Reader reader) {
    if (n == 0) {
      if (!Double.isNaN(min) || !Double.isNaN(max)) {
        throw reader.corrupt("an empty sketch has min " + min + " and max " + max + ", expected NaN");
      }
    } else if (!(min <= max)) {
      throw reader.corrupt("min " + min + " and max " + max + " are NaN or not ordered");
    }
  }
}
