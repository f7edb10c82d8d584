package io.streamsketch.flink.learning;

import io.streamsketch.learning.regression.BayesianLinearRegression;
import io.streamsketch.learning.regression.BayesianParameters;
import io.streamsketch.learning.regression.LabeledPoint;
import org.apache.flink.api.common.typeutils.SerializerTestBase;
import org.apache.flink.api.common.typeutils.TypeSerializer;

class BayesianLinearRegressionSerializerTest extends SerializerTestBase<BayesianLinearRegression> {
  @Override
  protected TypeSerializer<BayesianLinearRegression> createSerializer() {
    return new BayesianLinearRegressionSerializer();
  }

  @Override
  protected int getLength() {
    return -1;
  }

  @Override
  protected Class<BayesianLinearRegression> getTypeClass() {
    return BayesianLinearRegression.class;
  }

  @Override
  protected BayesianLinearRegression[] getTestData() {
    BayesianLinearRegression prior = BayesianLinearRegression.create(new BayesianParameters(3, 1, 2));
    BayesianLinearRegression trained = BayesianLinearRegression.create(new BayesianParameters(2, 0.1, 4));
    trained.update(new LabeledPoint[] {new LabeledPoint(new double[] {1, 2}, 3), new LabeledPoint(new double[] {1, -1}, 0)});
    return new BayesianLinearRegression[] {prior, trained};
  }
}
