package io.streamsketch.flink.serde;

import io.streamsketch.sketch.SketchFormatException;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * A Flink serializer that stores a sketch as a length-prefixed copy of the sketch's own binary format:
 *
 * <pre>
 * int32 (big-endian)  n, the number of bytes that follow, at most {@link #maxSerializedBytes()}
 * n bytes             the sketch's toBytes(): family id, format version, parameters, payload, CRC-32C
 * </pre>
 *
 * <p>Evolution lives in the sketch's format version, which every reader checks, so the serializer itself never
 * changes shape and its snapshot is always compatible as is. Corrupt state fails with an {@link IOException} naming
 * the problem, never a wrong sketch; a corrupt length allocates no more than the input holds ({@link
 * LengthPrefixed}).
 *
 * <p>Stateless (every call allocates its own arrays), so {@code duplicate()} returns this instance.
 */
public abstract class SketchSerializer<S> extends TypeSerializerSingleton<S> {
  private static final long serialVersionUID = 1L;

  /** The sketch's binary format. */
  protected abstract byte[] toBytes(S sketch);

  /**
   * Reads the sketch's binary format.
   *
   * @throws SketchFormatException if the bytes are not a valid sketch
   */
  protected abstract S fromBytes(byte[] bytes);

  /** A deep copy. */
  protected abstract S copyOf(S sketch);

  /** The largest serialized sketch of this family: a larger length field is corruption, not an allocation request. */
  protected abstract int maxSerializedBytes();

  @Override
  public boolean isImmutableType() {
    return false;
  }

  @Override
  public S copy(S from) {
    return copyOf(from);
  }

  @Override
  public S copy(S from, S reuse) {
    return copyOf(from);
  }

  @Override
  public int getLength() {
    return -1;
  }

  @Override
  public void serialize(S sketch, DataOutputView target) throws IOException {
    LengthPrefixed.write(toBytes(sketch), target);
  }

  @Override
  public S deserialize(DataInputView source) throws IOException {
    byte[] bytes = LengthPrefixed.read(source, maxSerializedBytes(), "sketch state");
    try {
      return fromBytes(bytes);
    } catch (SketchFormatException e) {
      throw new IOException("corrupt sketch state: " + e.getMessage(), e);
    }
  }

  @Override
  public S deserialize(S reuse, DataInputView source) throws IOException {
    return deserialize(source);
  }

  @Override
  public void copy(DataInputView source, DataOutputView target) throws IOException {
    LengthPrefixed.copy(source, target, maxSerializedBytes(), "sketch state");
  }
}
