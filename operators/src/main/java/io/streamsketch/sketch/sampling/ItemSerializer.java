package io.streamsketch.sketch.sampling;

import io.streamsketch.sketch.SketchFormatException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Turns the items of a {@link SkipReservoir} into bytes and back. The reservoir frames each item with its length,
 * unless the serializer declares a {@link #fixedLength()}, so an implementation only encodes one item.
 *
 * <p>A Flink {@code TypeSerializer<T>} fits behind this interface with a small adapter: {@link #toBytes} serializes
 * into a reused {@code DataOutputSerializer} and returns {@code getCopyOfBuffer()}, and {@link #fromBytes}
 * deserializes from a {@code DataInputDeserializer} over the array, rethrowing an {@code IOException} as a
 * {@link SketchFormatException}; {@link #fixedLength()} returns {@code TypeSerializer.getLength()}, which has the same
 * meaning.
 *
 * @param <T> the item type
 */
public interface ItemSerializer<T> {
  /** The bytes of one non-null item. */
  byte[] toBytes(T item);

  /**
   * The item that {@link #toBytes} turned into {@code bytes}.
   *
   * @throws SketchFormatException if the bytes cannot be an item
   */
  T fromBytes(byte[] bytes);

  /**
   * The length in bytes of every item, if it is the same for all items, else −1 (or 0). A positive fixed length lets
   * the reservoir store items without a length prefix.
   */
  default int fixedLength() {
    return -1;
  }

  /**
   * Writes one non-null item at {@code out}'s position, advancing it by the item's length. The reservoir calls this
   * for items of a {@link #fixedLength()}, whose space it reserves up front; an implementation that writes them
   * directly (as {@link LongItemSerializer} does) spares the reservoir an array per item. The default writes {@link
   * #toBytes}.
   *
   * @throws IllegalStateException if the item's bytes are not {@link #fixedLength()} long
   */
  default void write(T item, ByteBuffer out) {
    byte[] bytes = toBytes(item);
    if (fixedLength() > 0 && bytes.length != fixedLength()) {
      throw new IllegalStateException(
          "item serializer declares a fixed length of " + fixedLength() + " bytes but wrote " + bytes.length);
    }
    out.put(bytes);
  }

  /**
   * Reads the item that takes the next {@code length} bytes of {@code in} (which holds at least that many),
   * advancing its position by exactly {@code length}. An implementation that reads in place spares the reservoir an
   * array per item; the default calls {@link #fromBytes} on a copy.
   *
   * @throws SketchFormatException if the bytes cannot be an item
   */
  default T read(ByteBuffer in, int length) {
    byte[] bytes = new byte[length];
    in.get(bytes);
    return fromBytes(bytes);
  }

  /**
   * The next {@code count} items of {@code length} bytes each, in order, advancing {@code in} by {@code count *
   * length}, if this serializer reads such runs itself; the default returns null, having read nothing, and the
   * reservoir then reads the items one by one with {@link #read}. The list returned is the caller's, and may be of
   * fixed size but must let items be replaced ({@code set}, as {@code Arrays.asList} does): a full reservoir keeps it
   * as its sample. Items read here are not checked again: an implementation returns no null item and reads exactly
   * {@code length} bytes for each.
   *
   * @throws SketchFormatException if {@code length} is not this serializer's {@link #fixedLength()}, fewer than
   *     {@code count} items are left in {@code in}, or the bytes cannot be items
   */
  default List<T> readFixedLengthRun(ByteBuffer in, int count, int length) {
    return null;
  }
}
