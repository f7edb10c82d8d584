package io.streamsketch.sketch.sampling;

import io.streamsketch.sketch.SketchFormatException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;

/** Serializes a {@code Long} as its 8 little-endian bytes. */
public final class LongItemSerializer implements ItemSerializer<Long> {
  public static final LongItemSerializer INSTANCE = new LongItemSerializer();

  private static final VarHandle LONG_LITTLE_ENDIAN =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

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

  /**
   * Reads the run straight from the buffer's array into an array that the list returned wraps: one bounds check for
   * the run, and no per-item call, check or list growth.
   */
  @Override
  public List<Long> readFixedLengthRun(ByteBuffer in, int count, int length) {
    if (!in.hasArray()) {
      return null;
    }
    checkLength(length);
    if (count < 0 || count > in.remaining() / Long.BYTES) {
      throw new SketchFormatException(count + " Long items do not fit in the " + in.remaining() + " bytes left");
    }
    byte[] bytes = in.array();
    int from = in.arrayOffset() + in.position();
    Long[] items = new Long[count];
    for (int i = 0; i < count; i++) {
      items[i] = (long) LONG_LITTLE_ENDIAN.get(bytes, from + i * Long.BYTES);
    }
    in.position(in.position() + count * Long.BYTES);
    return Arrays.asList(items);
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
