package io.streamsketch.flink.serde;

import io.streamsketch.sketch.moments.AmsSketch;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;

/**
 * Flink serializer of {@link AmsSketch}: its versioned binary format, length-prefixed. The sign coefficients are part
 * of that format, so a restored sketch merges with the sketches of its seed as the original did.
 */
public final class AmsSketchSerializer extends SketchSerializer<AmsSketch> {
  private static final long serialVersionUID = 1L;

  public static final AmsSketchSerializer INSTANCE = new AmsSketchSerializer();

  public static final TypeInformation<AmsSketch> TYPE_INFO = new SketchTypeInfo<>(AmsSketch.class, () -> INSTANCE);

  @Override
  protected byte[] toBytes(AmsSketch sketch) {
    return sketch.toBytes();
  }

  @Override
  protected AmsSketch fromBytes(byte[] bytes) {
    return AmsSketch.fromBytes(bytes);
  }

  @Override
  protected AmsSketch copyOf(AmsSketch sketch) {
    return sketch.copy();
  }

  /** The smallest sketch (one counter): Flink asks for an instance only to reuse it, which this type never does. */
  @Override
  public AmsSketch createInstance() {
    return AmsSketch.ofShape(1, 1, 0);
  }

  @Override
  protected int maxSerializedBytes() {
    return AmsSketch.MAX_SERIALIZED_BYTES;
  }

  @Override
  public TypeSerializerSnapshot<AmsSketch> snapshotConfiguration() {
    return new Snapshot();
  }

  /** Compatible as is across versions: evolution lives in the sketch's own format version. */
  public static final class Snapshot extends SimpleTypeSerializerSnapshot<AmsSketch> {
    public Snapshot() {
      super(() -> INSTANCE);
    }
  }
}
