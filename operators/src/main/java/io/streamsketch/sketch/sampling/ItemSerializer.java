package io.streamsketch.sketch.sampling;

import io.streamsketch.sketch.SketchFormatException;

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
}
