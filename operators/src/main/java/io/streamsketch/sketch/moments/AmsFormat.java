package io.streamsketch.sketch.moments;

import io.streamsketch.sketch.SketchFamily;
import io.streamsketch.sketch.SketchFormat;
import io.streamsketch.sketch.hash.MersennePrime61;

/** Writes and reads the binary format documented on {@link AmsSketch}. */
final class AmsFormat {
  static final int VERSION = 1;
  /** s1, s2, seed, absolute weight. */
  private static final int FIXED_PAYLOAD_BYTES = 4 + 4 + 8 + 8;
  /** Four coefficients and one counter per counter. */
  private static final int BYTES_PER_COUNTER = 4 * Long.BYTES + Long.BYTES;

  private AmsFormat() {}

  static int serializedBytes(int counters) {
    return SketchFormat.HEADER_BYTES + FIXED_PAYLOAD_BYTES + BYTES_PER_COUNTER * counters + SketchFormat.TRAILER_BYTES;
  }

  static byte[] write(AmsSketch sketch) {
    long[] coefficients = sketch.signCoefficients();
    long[] counters = sketch.counters();
    SketchFormat.Writer writer =
        SketchFormat.writer(SketchFamily.AMS, VERSION, FIXED_PAYLOAD_BYTES + BYTES_PER_COUNTER * counters.length);
    writer.putInt(sketch.countersPerGroup()).putInt(sketch.groups()).putLong(sketch.seed());
    writer.putLong(sketch.absoluteWeight());
    for (long coefficient : coefficients) {
      writer.putLong(coefficient);
    }
    for (long counter : counters) {
      writer.putLong(counter);
    }
    return writer.finish();
  }

  static AmsSketch read(byte[] bytes) {
    SketchFormat.Reader reader = SketchFormat.reader(bytes, SketchFamily.AMS, VERSION);
    int countersPerGroup = reader.getInt();
    int groups = reader.getInt();
    AmsParameters.checkShape(countersPerGroup, groups, reader::corrupt);
    long seed = reader.getLong();
    long absoluteWeight = reader.getLong();
    if (absoluteWeight < 0) {
      throw reader.corrupt("negative absolute weight " + absoluteWeight);
    }
    int m = countersPerGroup * groups;
    // Checked against the bytes left before allocating: a corrupt shape cannot request a huge array.
    reader.checkedCount(m, BYTES_PER_COUNTER, "counter");
    long[] coefficients = new long[4 * m];
    for (int i = 0; i < coefficients.length; i++) {
      coefficients[i] = reader.getLong();
      if (coefficients[i] < 0 || coefficients[i] >= MersennePrime61.PRIME) {
        throw reader.corrupt("sign coefficient " + i + " is " + coefficients[i] + ", outside [0, 2^61 − 1)");
      }
    }
    long[] counters = new long[m];
    for (int j = 0; j < m; j++) {
      counters[j] = reader.getLong();
      // -absoluteWeight cannot overflow: absoluteWeight ≥ 0.
      if (counters[j] > absoluteWeight || counters[j] < -absoluteWeight) {
        throw reader.corrupt(
            "counter " + j + " is " + counters[j] + ", beyond the absolute weight " + absoluteWeight);
      }
    }
    reader.end();
    return new AmsSketch(countersPerGroup, groups, seed, new SignHashes(coefficients), counters, absoluteWeight);
  }
}
