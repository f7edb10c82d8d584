package io.streamsketch.flink.serde;

import io.streamsketch.sketch.SketchFormatException;
import io.streamsketch.sketch.sampling.ItemSerializer;
import io.streamsketch.sketch.sampling.SkipReservoir;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Objects;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.CompositeTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Flink serializer of a {@link SkipReservoir}: the reservoir's versioned binary format, length-prefixed as in
 * {@link SketchSerializer}, with each item written by a nested Flink {@link TypeSerializer}. The snapshot is a
 * {@link CompositeTypeSerializerSnapshot}, so a restore checks the item serializer's compatibility too (a POJO item
 * that gained a field migrates; an incompatible item type fails the restore instead of reading garbage).
 *
 * <p>A restored reservoir continues with a fresh unseeded random generator: its sample stays uniform, but the
 * sequence of draws after a restore is not the one the failed run would have made.
 *
 * <p>Not thread-safe: it keeps scratch buffers for the items, so {@link #duplicate()} always returns a new instance
 * (Flink hands duplicates to other threads, such as an asynchronous snapshot's).
 */
public final class SkipReservoirSerializer<T> extends TypeSerializer<SkipReservoir<T>> {
  private static final long serialVersionUID = 1L;

  /** Items are of any length, so only the input's end bounds the allocation ({@link LengthPrefixed}). */
  private static final int MAX_SERIALIZED_BYTES = Integer.MAX_VALUE;
  private static final String STATE = "reservoir state";

  private final TypeSerializer<T> itemSerializer;
  private transient ItemSerializer<T> items;

  public SkipReservoirSerializer(TypeSerializer<T> itemSerializer) {
    this.itemSerializer = Objects.requireNonNull(itemSerializer, "itemSerializer");
  }

  /** The type information of reservoirs of items of {@code itemType}. */
  public static <T> TypeInformation<SkipReservoir<T>> typeInfo(TypeInformation<T> itemType) {
    return new SkipReservoirTypeInfo<>(itemType);
  }

  TypeSerializer<T> itemSerializer() {
    return itemSerializer;
  }

  private ItemSerializer<T> items() {
    if (items == null) {
      items = new FlinkItemSerializer<>(itemSerializer.duplicate());
    }
    return items;
  }

  @Override
  public boolean isImmutableType() {
    return false;
  }

  /** A new instance even when the item serializer is stateless: this one's item buffers must not be shared. */
  @Override
  public TypeSerializer<SkipReservoir<T>> duplicate() {
    return new SkipReservoirSerializer<>(itemSerializer.duplicate());
  }

  /** An empty reservoir of one item: Flink asks for an instance only to reuse it, which this type never does. */
  @Override
  public SkipReservoir<T> createInstance() {
    return SkipReservoir.create(1);
  }

  /** A deep copy of the reservoir; the items are shared when the item serializer says they are immutable. */
  @Override
  public SkipReservoir<T> copy(SkipReservoir<T> from) {
    if (itemSerializer.isImmutableType()) {
      return from.copy();
    }
    return SkipReservoir.fromBytes(from.toBytes(items()), items());
  }

  @Override
  public SkipReservoir<T> copy(SkipReservoir<T> from, SkipReservoir<T> reuse) {
    return copy(from);
  }

  @Override
  public int getLength() {
    return -1;
  }

  @Override
  public void serialize(SkipReservoir<T> reservoir, DataOutputView target) throws IOException {
    LengthPrefixed.write(reservoir.toBytes(items()), target);
  }

  @Override
  public SkipReservoir<T> deserialize(DataInputView source) throws IOException {
    byte[] bytes = LengthPrefixed.read(source, MAX_SERIALIZED_BYTES, STATE);
    try {
      return SkipReservoir.fromBytes(bytes, items());
    } catch (SketchFormatException e) {
      throw new IOException("corrupt reservoir state: " + e.getMessage(), e);
    }
  }

  @Override
  public SkipReservoir<T> deserialize(SkipReservoir<T> reuse, DataInputView source) throws IOException {
    return deserialize(source);
  }

  @Override
  public void copy(DataInputView source, DataOutputView target) throws IOException {
    LengthPrefixed.copy(source, target, MAX_SERIALIZED_BYTES, STATE);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SkipReservoirSerializer<?> other && other.itemSerializer.equals(itemSerializer);
  }

  @Override
  public int hashCode() {
    return Objects.hash(SkipReservoirSerializer.class, itemSerializer);
  }

  @Override
  public TypeSerializerSnapshot<SkipReservoir<T>> snapshotConfiguration() {
    return new Snapshot<>(this);
  }

  /** Version 1: the outer format never changes shape (that lives in the reservoir's format version); the item serializer's snapshot is nested. */
  public static final class Snapshot<T>
      extends CompositeTypeSerializerSnapshot<SkipReservoir<T>, SkipReservoirSerializer<T>> {
    private static final int VERSION = 1;

    /** For reading a snapshot. */
    public Snapshot() {}

    Snapshot(SkipReservoirSerializer<T> serializer) {
      super(serializer);
    }

    @Override
    protected int getCurrentOuterSnapshotVersion() {
      return VERSION;
    }

    @Override
    protected TypeSerializer<?>[] getNestedSerializers(SkipReservoirSerializer<T> outer) {
      return new TypeSerializer<?>[] {outer.itemSerializer()};
    }

    @Override
    @SuppressWarnings("unchecked")
    protected SkipReservoirSerializer<T> createOuterSerializerWithNestedSerializers(TypeSerializer<?>[] nested) {
      return new SkipReservoirSerializer<>((TypeSerializer<T>) nested[0]);
    }
  }

  /** Adapts a Flink item serializer to the reservoir's {@link ItemSerializer}; not thread-safe, like the serializer. */
  private static final class FlinkItemSerializer<T> implements ItemSerializer<T> {
    private final TypeSerializer<T> serializer;
    private final DataOutputSerializer out = new DataOutputSerializer(64);
    private final DataInputDeserializer in = new DataInputDeserializer();

    FlinkItemSerializer(TypeSerializer<T> serializer) {
      this.serializer = serializer;
    }

    @Override
    public byte[] toBytes(T item) {
      out.clear();
      try {
        serializer.serialize(item, out);
      } catch (IOException e) {
        throw new IllegalStateException("cannot serialize a reservoir item: " + e.getMessage(), e);
      }
      return out.getCopyOfBuffer();
    }

    @Override
    public T fromBytes(byte[] bytes) {
      return deserialize(bytes, 0, bytes.length);
    }

    /** Serializes into the scratch buffer and copies from it: no array per item. */
    @Override
    public void write(T item, ByteBuffer target) {
      out.clear();
      try {
        serializer.serialize(item, out);
      } catch (IOException e) {
        throw new IllegalStateException("cannot serialize a reservoir item: " + e.getMessage(), e);
      }
      target.put(out.getSharedBuffer(), 0, out.length());
    }

    /** Deserializes from the reservoir's bytes in place, when they are in an array (they are: the state's bytes). */
    @Override
    public T read(ByteBuffer source, int length) {
      if (!source.hasArray()) {
        return ItemSerializer.super.read(source, length);
      }
      int start = source.position();
      T item = deserialize(source.array(), source.arrayOffset() + start, length);
      source.position(start + length);
      return item;
    }

    private T deserialize(byte[] bytes, int start, int length) {
      in.setBuffer(bytes, start, length);
      try {
        return serializer.deserialize(in);
      } catch (IOException e) {
        throw new SketchFormatException("a reservoir item does not deserialize: " + e.getMessage());
      }
    }

    @Override
    public int fixedLength() {
      return serializer.getLength();
    }
  }
}
