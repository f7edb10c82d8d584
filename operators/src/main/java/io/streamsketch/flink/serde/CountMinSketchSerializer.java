package io.streamsketch.flink.serde;

import io.streamsketch.sketch.cms.CountMinSketch;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;

/** Flink serializer of {@link CountMinSketch}: its versioned binary format, length-prefixed. */
public final class CountMinSketchSerializer extends SketchSerializer<CountMinSketch> {
  private static final long serialVersionUID = 1L;

  public static final CountMinSketchSerializer INSTANCE = new CountMinSketchSerializer();

  public static final TypeInformation<CountMinSketch> TYPE_INFO = new SketchTypeInfo<>(CountMinSketch.class, () -> INSTANCE);

  @Override
  protected byte[] toBytes(CountMinSketch sketch) {
    return sketch.toBytes();
  }

  @Override
  protected CountMinSketch fromBytes(byte[] bytes) {
    return CountMinSketch.fromBytes(bytes);
  }

  @Override
  protected CountMinSketch copyOf(CountMinSketch sketch) {
    return sketch.copy();
  }

  /** An empty sketch with ε = 0.001, δ = 0.01: Flink asks for an instance only to reuse it, which this type never does. */
  @Override
  public CountMinSketch createInstance() {
    return CountMinSketch.builder().accuracy(0.001, 0.01).build();
  }

  @Override
  protected int maxSerializedBytes() {
    return CountMinSketch.MAX_SERIALIZED_BYTES;
  }

  @Override
  public TypeSerializerSnapshot<CountMinSketch> snapshotConfiguration() {
    return new Snapshot();
  }

  /** Compatible as is across versions: evolution lives in the sketch's own format version. */
  public static final class Snapshot extends SimpleTypeSerializerSnapshot<CountMinSketch> {
    public Snapshot() {
      super(() -> INSTANCE);
    }
  }
}
