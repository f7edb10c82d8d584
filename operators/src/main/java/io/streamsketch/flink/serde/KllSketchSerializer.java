package io.streamsketch.flink.serde;

import io.streamsketch.sketch.quantiles.KllSketch;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;

/**
 * Flink serializer of {@link KllSketch}: its versioned binary format, length-prefixed. The compaction coin's state
 * is part of that format, so a restored sketch continues with the draws the original would have made.
 */
public final class KllSketchSerializer extends SketchSerializer<KllSketch> {
  private static final long serialVersionUID = 1L;

  public static final KllSketchSerializer INSTANCE = new KllSketchSerializer();

  public static final TypeInformation<KllSketch> TYPE_INFO = new SketchTypeInfo<>(KllSketch.class, () -> INSTANCE);

  @Override
  protected byte[] toBytes(KllSketch sketch) {
    return sketch.toBytes();
  }

  @Override
  protected KllSketch fromBytes(byte[] bytes) {
    return KllSketch.fromBytes(bytes);
  }

  @Override
  protected KllSketch copyOf(KllSketch sketch) {
    return sketch.copy();
  }

  /** An empty sketch of the default k: Flink asks for an instance only to reuse it, which this type never does. */
  @Override
  public KllSketch createInstance() {
    return KllSketch.create();
  }

  @Override
  protected int maxSerializedBytes() {
    return KllSketch.MAX_SERIALIZED_BYTES;
  }

  @Override
  public TypeSerializerSnapshot<KllSketch> snapshotConfiguration() {
    return new Snapshot();
  }

  /** Compatible as is across versions: evolution lives in the sketch's own format version. */
  public static final class Snapshot extends SimpleTypeSerializerSnapshot<KllSketch> {
    public Snapshot() {
      super(() -> INSTANCE);
    }
  }
}
