package io.streamsketch.flink.serde;

import io.streamsketch.sketch.hll.HyperLogLog;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;

/** Flink serializer of {@link HyperLogLog}: its versioned binary format, length-prefixed. */
public final class HyperLogLogSerializer extends SketchSerializer<HyperLogLog> {
  private static final long serialVersionUID = 1L;

  public static final HyperLogLogSerializer INSTANCE = new HyperLogLogSerializer();

  public static final TypeInformation<HyperLogLog> TYPE_INFO = new SketchTypeInfo<>(HyperLogLog.class, () -> INSTANCE);

  @Override
  protected byte[] toBytes(HyperLogLog sketch) {
    return sketch.toBytes();
  }

  @Override
  protected HyperLogLog fromBytes(byte[] bytes) {
    return HyperLogLog.fromBytes(bytes);
  }

  @Override
  protected HyperLogLog copyOf(HyperLogLog sketch) {
    return sketch.copy();
  }

  /** An empty sketch of precision 12: Flink asks for an instance only to reuse it, which this type never does. */
  @Override
  public HyperLogLog createInstance() {
    return HyperLogLog.create(12);
  }

  @Override
  protected int maxSerializedBytes() {
    return HyperLogLog.MAX_SERIALIZED_BYTES;
  }

  @Override
  public TypeSerializerSnapshot<HyperLogLog> snapshotConfiguration() {
    return new Snapshot();
  }

  /** Compatible as is across versions: evolution lives in the sketch's own format version. */
  public static final class Snapshot extends SimpleTypeSerializerSnapshot<HyperLogLog> {
    public Snapshot() {
      super(() -> INSTANCE);
    }
  }
}
