package io.streamsketch.sketch.sampling;

import io.streamsketch.sketch.SketchFormatException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Serializes a {@code Long} as its 8 little-endian bytes. */
public final class LongItemSerializer implements ItemSerializer<Long> {
  public static final LongItemSerializer INSTANCE = new LongItemSerializer();

  private LongItemSerializer() {}

  @Override
  public byte[] toBytes(Long item) {
    long value = item;
    byte[] bytes = new byte[Long.BYTES];
    for (int i = 0; i < Long.BYTES; i++) {
      bytes[i] = (byte) (value >>> (8 * i));
    }
    return bytes;
  }

  @Override
  public int fixedLength() {
    return Long.BYTES;
  }

  /** Writes the 8 little-endian bytes in place, whatever the buffer's byte order. */
  @Override
  public void write(Long item, ByteBuffer out) {
    long value = item;
    out.putLong(out.order() == ByteOrder.LITTLE_ENDIAN ? value : Long.reverseBytes(value));
  }

  @Override
  public Long read(ByteBuffer in, int length) {
    checkLength(length);
    long value = in.getLong();
    return in.order() == ByteOrder.LITTLE_ENDIAN ? value : Long.reverseBytes(value);
  }

  private static void checkLength(int length) {
    if (length != Long.BYTES) {
      throw new SketchFormatException("a Long item must be 8 bytes, not " + length);
    }
  }

  @Override
  public Long fromBytes(byte[] bytes) {
    checkLength(bytes.length);
    long value = 0;
    for (int i = 0; i < Long.BYTES; i++) {
      value |= (bytes[i] & 0xffL) << (8 * i);
    }
    return value;
  }
}
