package io.streamsketch.flink.learning;

import io.streamsketch.flink.serde.SketchSerializer;
import io.streamsketch.flink.serde.SketchTypeInfo;
import io.streamsketch.learning.regression.BayesianLinearRegression;
import io.streamsketch.learning.regression.BayesianParameters;
import io.streamsketch.learning.regression.RegressionFormat;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;

/** Flink serializer of {@link BayesianLinearRegression}: its versioned binary format ({@link RegressionFormat}), length-prefixed. */
public final class BayesianLinearRegressionSerializer extends SketchSerializer<BayesianLinearRegression> {
  private static final long serialVersionUID = 1L;

  public static final BayesianLinearRegressionSerializer INSTANCE = new BayesianLinearRegressionSerializer();

  public static final TypeInformation<BayesianLinearRegression> TYPE_INFO = new SketchTypeInfo<>(BayesianLinearRegression.class, () -> INSTANCE);

  @Override
  protected byte[] toBytes(BayesianLinearRegression model) {
    return model.toBytes();
  }

  @Override
  protected BayesianLinearRegression fromBytes(byte[] bytes) {
    return BayesianLinearRegression.fromBytes(bytes);
  }

  @Override
  protected BayesianLinearRegression copyOf(BayesianLinearRegression model) {
    return model.copy();
  }

  /** The smallest model: Flink asks for an instance only to reuse it, which this type never does. */
  @Override
  public BayesianLinearRegression createInstance() {
    return BayesianLinearRegression.create(new BayesianParameters(1, 1, 1));
  }

  @Override
  protected int maxSerializedBytes() {
    return RegressionFormat.BAYESIAN_MAX_SERIALIZED_BYTES;
  }

  @Override
  public TypeSerializerSnapshot<BayesianLinearRegression> snapshotConfiguration() {
    return new Snapshot();
  }

  /** Compatible as is across versions: evolution lives in the model's own format version. */
  public static final class Snapshot extends SimpleTypeSerializerSnapshot<BayesianLinearRegression> {
    public Snapshot() {
      super(() -> INSTANCE);
    }
  }
}
