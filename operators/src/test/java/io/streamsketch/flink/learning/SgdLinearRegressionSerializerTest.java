package io.streamsketch.flink.learning;

import io.streamsketch.learning.regression.LabeledPoint;
import io.streamsketch.learning.regression.SgdLinearRegression;
import io.streamsketch.learning.regression.SgdParameters;
import org.apache.flink.api.common.typeutils.SerializerTestBase;
import org.apache.flink.api.common.typeutils.TypeSerializer;

class SgdLinearRegressionSerializerTest extends SerializerTestBase<SgdLinearRegression> {
  @Override
  protected TypeSerializer<SgdLinearRegression> createSerializer() {
    return new SgdLinearRegressionSerializer();
  }

  @Override
  protected int getLength() {
    return -1;
  }

  @Override
  protected Class<SgdLinearRegression> getTypeClass() {
    return SgdLinearRegression.class;
  }

  @Override
  protected SgdLinearRegression[] getTestData() {
    SgdLinearRegression fresh = SgdLinearRegression.create(new SgdParameters(3, 0.1, 0, 1));
    SgdLinearRegression trained = SgdLinearRegression.create(new SgdParameters(2, 0.05, 0.1, 3));
    trained.update(new LabeledPoint[] {new LabeledPoint(new double[] {1, 2}, 3), new LabeledPoint(new double[] {1, -1}, 0)});
    return new SgdLinearRegression[] {fresh, trained};
  }
}
