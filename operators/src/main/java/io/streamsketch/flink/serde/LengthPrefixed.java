package io.streamsketch.flink.serde;

import java.io.EOFException;
import java.io.IOException;
import java.util.Arrays;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * The length-prefixed byte arrays of the sketch serializers: a big-endian int32 n, then n bytes. A reader checks n
 * against the largest value the sketch family can need, and then allocates only as the bytes actually arrive (in
 * chunks, doubling), so a corrupt prefix fails with an {@link IOException} once the input ends, having allocated at
 * most about twice what the input held: never the gigabyte a flipped bit can claim.
 */
final class LengthPrefixed {
  /** Read (and copied) in pieces of this size; a prefix up to it is allocated at once. */
  static final int CHUNK_BYTES = 1 << 16;

  private LengthPrefixed() {}

  static void write(byte[] bytes, DataOutputView target) throws IOException {
    target.writeInt(bytes.length);
    target.write(bytes);
  }

  /** Reads one prefixed array of at most {@code maxBytes}; {@code what} names the state in the error message. */
  static byte[] read(DataInputView source, int maxBytes, String what) throws IOException {
    int length = checkedLength(source.readInt(), maxBytes, what);
    byte[] bytes = new byte[Math.min(length, CHUNK_BYTES)];
    int read = 0;
    while (read < length) {
      if (read == bytes.length) {
        bytes = Arrays.copyOf(bytes, (int) Math.min(length, 2L * bytes.length));
      }
      int chunk = Math.min(bytes.length - read, CHUNK_BYTES);
      readFully(source, bytes, read, chunk, length, what);
      read += chunk;
    }
    return bytes;
  }

  /**
   * Copies one prefixed array of at most {@code maxBytes}. It is read whole before any of it is written, so a
   * truncated input leaves no partial record in {@code target}.
   */
  static void copy(DataInputView source, DataOutputView target, int maxBytes, String what) throws IOException {
    write(read(source, maxBytes, what), target);
  }

  private static void readFully(DataInputView source, byte[] into, int at, int count, int length, String what)
      throws IOException {
    try {
      source.readFully(into, at, count);
    } catch (EOFException e) {
      throw new IOException(
          "corrupt " + what + ": the length prefix claims " + length + " bytes but the input ends within the first "
              + (at + count),
          e);
    }
  }

  private static int checkedLength(int length, int maxBytes, String what) throws IOException {
    if (length < 0 || length > maxBytes) {
      throw new IOException(
          "corrupt " + what + ": length " + length + " is outside [0, " + maxBytes + "], the largest this state can be");
    }
    return length;
  }
}
