package io.streamsketch.flink.learning;

import io.streamsketch.flink.serde.SketchSerializer;
import io.streamsketch.flink.serde.SketchTypeInfo;
import io.streamsketch.learning.kmeans.DecayUnit;
import io.streamsketch.learning.kmeans.KMeansFormat;
import io.streamsketch.learning.kmeans.KMeansParameters;
import io.streamsketch.learning.kmeans.StreamingKMeans;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;

/** Flink serializer of {@link StreamingKMeans}: its versioned binary format ({@link KMeansFormat}), length-prefixed. */
public final class StreamingKMeansSerializer extends SketchSerializer<StreamingKMeans> {
  private static final long serialVersionUID = 1L;

  public static final StreamingKMeansSerializer INSTANCE = new StreamingKMeansSerializer();

  public static final TypeInformation<StreamingKMeans> TYPE_INFO = new SketchTypeInfo<>(StreamingKMeans.class, () -> INSTANCE);

  @Override
  protected byte[] toBytes(StreamingKMeans model) {
    return model.toBytes();
  }

  @Override
  protected StreamingKMeans fromBytes(byte[] bytes) {
    return StreamingKMeans.fromBytes(bytes);
  }

  @Override
  protected StreamingKMeans copyOf(StreamingKMeans model) {
    return model.copy();
  }

  /** The smallest model: Flink asks for an instance only to reuse it, which this type never does. */
  @Override
  public StreamingKMeans createInstance() {
    return StreamingKMeans.create(new KMeansParameters(1, 1, 1, DecayUnit.BATCHES, 0));
  }

  @Override
  protected int maxSerializedBytes() {
    return KMeansFormat.MAX_SERIALIZED_BYTES;
  }

  @Override
  public TypeSerializerSnapshot<StreamingKMeans> snapshotConfiguration() {
    return new Snapshot();
  }

  /** Compatible as is across versions: evolution lives in the model's own format version. */
  public static final class Snapshot extends SimpleTypeSerializerSnapshot<StreamingKMeans> {
    public Snapshot() {
      super(() -> INSTANCE);
    }
  }
}
