package io.streamsketch.sketch.sampling;

import io.streamsketch.sketch.SketchFormatException;

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

  @Override
  public Long fromBytes(byte[] bytes) {
    if (bytes.length != Long.BYTES) {
      throw new SketchFormatException("a Long item must be 8 bytes, not " + bytes.length);
    }
    long value = 0;
    for (int i = 0; i < Long.BYTES; i++) {
      value |= (bytes[i] & 0xffL) << (8 * i);
    }
    return value;
  }
}
