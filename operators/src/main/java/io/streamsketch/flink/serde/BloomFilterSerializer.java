package io.streamsketch.flink.serde;

import io.streamsketch.sketch.bloom.BloomFilter;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;

/** Flink serializer of {@link BloomFilter}: its versioned binary format, length-prefixed. */
public final class BloomFilterSerializer extends SketchSerializer<BloomFilter> {
  private static final long serialVersionUID = 1L;

  public static final BloomFilterSerializer INSTANCE = new BloomFilterSerializer();

  public static final TypeInformation<BloomFilter> TYPE_INFO =
      new SketchTypeInfo<>(BloomFilter.class, () -> INSTANCE);

  @Override
  protected byte[] toBytes(BloomFilter sketch) {
    return sketch.toBytes();
  }

  @Override
  protected BloomFilter fromBytes(byte[] bytes) {
    return BloomFilter.fromBytes(bytes);
  }

  @Override
  protected BloomFilter copyOf(BloomFilter sketch) {
    return sketch.copy();
  }

  /** An empty filter for 1,000 items at 1%: Flink asks for an instance only to reuse it, which this type never does. */
  @Override
  public BloomFilter createInstance() {
    return BloomFilter.forExpectedItems(1_000, 0.01, 0);
  }

  @Override
  protected int maxSerializedBytes() {
    return BloomFilter.MAX_SERIALIZED_BYTES;
  }

  @Override
  public TypeSerializerSnapshot<BloomFilter> snapshotConfiguration() {
    return new Snapshot();
  }

  /** Compatible as is across versions: evolution lives in the filter's own format version. */
  public static final class Snapshot extends SimpleTypeSerializerSnapshot<BloomFilter> {
    public Snapshot() {
      super(() -> INSTANCE);
    }
  }
}
