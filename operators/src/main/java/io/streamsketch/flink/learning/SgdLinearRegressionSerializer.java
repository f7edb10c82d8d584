package io.streamsketch.flink.learning;

import io.streamsketch.flink.serde.SketchSerializer;
import io.streamsketch.flink.serde.SketchTypeInfo;
import io.streamsketch.learning.regression.RegressionFormat;
import io.streamsketch.learning.regression.SgdLinearRegression;
import io.streamsketch.learning.regression.SgdParameters;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;

/** Flink serializer of {@link SgdLinearRegression}: its versioned binary format ({@link RegressionFormat}), length-prefixed. */
public final class SgdLinearRegressionSerializer extends SketchSerializer<SgdLinearRegression> {
  private static final long serialVersionUID = 1L;

  public static final SgdLinearRegressionSerializer INSTANCE = new SgdLinearRegressionSerializer();

  public static final TypeInformation<SgdLinearRegression> TYPE_INFO = new SketchTypeInfo<>(SgdLinearRegression.class, () -> INSTANCE);

  @Override
  protected byte[] toBytes(SgdLinearRegression model) {
    return model.toBytes();
  }

  @Override
  protected SgdLinearRegression fromBytes(byte[] bytes) {
    return SgdLinearRegression.fromBytes(bytes);
  }

  @Override
  protected SgdLinearRegression copyOf(SgdLinearRegression model) {
    return model.copy();
  }

  /** The smallest model: Flink asks for an instance only to reuse it, which this type never does. */
  @Override
  public SgdLinearRegression createInstance() {
    return SgdLinearRegression.create(new SgdParameters(1, 1, 0, 1));
  }

  @Override
  protected int maxSerializedBytes() {
    return RegressionFormat.SGD_MAX_SERIALIZED_BYTES;
  }

  @Override
  public TypeSerializerSnapshot<SgdLinearRegression> snapshotConfiguration() {
    return new Snapshot();
  }

  /** Compatible as is across versions: evolution lives in the model's own format version. */
  public static final class Snapshot extends SimpleTypeSerializerSnapshot<SgdLinearRegression> {
    public Snapshot() {
      super(() -> INSTANCE);
    }
  }
}
