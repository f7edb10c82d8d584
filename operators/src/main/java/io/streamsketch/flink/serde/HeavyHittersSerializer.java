package io.streamsketch.flink.serde;

import io.streamsketch.sketch.cms.CountMinSketch;
import io.streamsketch.sketch.cms.HeavyHitters;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;

/** Flink serializer of {@link HeavyHitters}: its versioned binary format, length-prefixed. */
public final class HeavyHittersSerializer extends SketchSerializer<HeavyHitters> {
  private static final long serialVersionUID = 1L;

  public static final HeavyHittersSerializer INSTANCE = new HeavyHittersSerializer();

  public static final TypeInformation<HeavyHitters> TYPE_INFO = new SketchTypeInfo<>(HeavyHitters.class, () -> INSTANCE);

  @Override
  protected byte[] toBytes(HeavyHitters sketch) {
    return sketch.toBytes();
  }

  @Override
  protected HeavyHitters fromBytes(byte[] bytes) {
    return HeavyHitters.fromBytes(bytes);
  }

  @Override
  protected HeavyHitters copyOf(HeavyHitters sketch) {
    return sketch.copy();
  }

  /** An empty top-10 tracker over a sketch with ε = 0.001, δ = 0.01: Flink asks for an instance only to reuse it, which this type never does. */
  @Override
  public HeavyHitters createInstance() {
    return HeavyHitters.create(10, CountMinSketch.builder().accuracy(0.001, 0.01).build());
  }

  /** Candidates are strings of any length, so only the input's end bounds the allocation ({@link LengthPrefixed}). */
  @Override
  protected int maxSerializedBytes() {
    return Integer.MAX_VALUE;
  }

  @Override
  public TypeSerializerSnapshot<HeavyHitters> snapshotConfiguration() {
    return new Snapshot();
  }

  /** Compatible as is across versions: evolution lives in the sketch's own format version. */
  public static final class Snapshot extends SimpleTypeSerializerSnapshot<HeavyHitters> {
    public Snapshot() {
      super(() -> INSTANCE);
    }
  }
}
