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
 * int32 (big-endian)  n, the number of bytes that follow, at most {@link #MAX_BYTES}
 * n bytes             the sketch's toBytes(): family id, format version, parameters, payload, CRC-32C
 * </pre>
 *
 * <p>Evolution lives in the sketch's format version, which every reader checks, so the serializer itself never
 * changes shape and its snapshot is always compatible as is. Corrupt state fails with an {@link IOException} naming
 * the problem, never a wrong sketch.
 */
public abstract class SketchSerializer<S> extends TypeSerializerSingleton<S> {
  private static final long serialVersionUID = 1L;

  /** No sketch of this library needs more; a larger length field is corruption, not an allocation request. */
  public static final int MAX_BYTES = 1 << 30;

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
    byte[] bytes = toBytes(sketch);
    target.writeInt(bytes.length);
    target.write(bytes);
  }

  @Override
  public S deserialize(DataInputView source) throws IOException {
    byte[] bytes = new byte[checkedLength(source.readInt())];
    source.readFully(bytes);
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
    int length = checkedLength(source.readInt());
    target.writeInt(length);
    target.write(source, length);
  }

  private static int checkedLength(int length) throws IOException {
    if (length < 0 || length > MAX_BYTES) {
      throw new IOException("corrupt sketch state: length " + length + " is outside [0, " + MAX_BYTES + "]");
    }
    return length;
  }
}
