package io.streamsketch.flink.learning;

import io.streamsketch.learning.regression.BayesianLinearRegression;
import io.streamsketch.learning.regression.LabeledPoint;
import io.streamsketch.learning.regression.LinearRegressionModel;
import io.streamsketch.model.RegressionWeights;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.flink.util.function.SerializableSupplier;

/**
 * Applies each event-time window's elements as one mini-batch to a linear regression model ({@link
 * io.streamsketch.learning.regression.SgdLinearRegression} or {@link BayesianLinearRegression}) kept per key in the
 * window operator's global state, and emits the weights after each batch, with the prequential error of the batch
 * and, for the Bayesian model, the posterior standard deviations and 95 % credible intervals.
 *
 * <p>As {@link KMeansBatches}: batches apply in event-time order, once each; invalid points are left out and
 * counted; a model restored with other parameters fails the job with a message.
 */
public final class RegressionBatches<T, K, M extends LinearRegressionModel>
    extends ProcessWindowFunction<T, RegressionWeights, K, TimeWindow> {
  private static final long serialVersionUID = 1L;

  private final SerializableSupplier<M> newModel;
  private final SerializableFunction<T, LabeledPoint> points;
  private final ValueStateDescriptor<M> modelDescriptor;

  /**
   * @param newModel the model of a key's first batch; the parameters of a restored model must equal its parameters
   * @param modelType the model's type information, with its explicit serializer
   */
  public RegressionBatches(
      SerializableSupplier<M> newModel, TypeInformation<M> modelType, SerializableFunction<T, LabeledPoint> points) {
    this.newModel = newModel;
    this.points = points;
    this.modelDescriptor = new ValueStateDescriptor<>("linear-regression", modelType);
  }

  @Override
  public void process(K key, Context context, Iterable<T> elements, Collector<RegressionWeights> out)
      throws Exception {
    ValueState<M> state = context.globalState().getState(modelDescriptor);
    M fresh = newModel.get();
    M model = state.value();
    if (model == null) {
      model = fresh;
    } else if (!model.parameters().equals(fresh.parameters())) {
      throw new IllegalStateException(
          "the restored regression model of key " + key + " has parameters " + model.parameters()
              + " but the job now asks for " + fresh.parameters() + ": start without that state to change them");
    }
    List<LabeledPoint> batch = new ArrayList<>();
    long rejected = 0;
    for (T element : elements) {
      LabeledPoint point = points.apply(element);
      if (point != null && point.invalidFor(model.dimension()) == null) {
        batch.add(point);
      } else {
        rejected++;
      }
    }
    double[] before = model.weights();
    double squaredErrors = 0;
    for (LabeledPoint point : batch) {
      double residual = -point.label;
      for (int i = 0; i < before.length; i++) {
        residual += before[i] * point.features[i];
      }
      squaredErrors += residual * residual;
    }
    model.update(batch.toArray(new LabeledPoint[0]));
    state.update(model);

    RegressionWeights result = new RegressionWeights();
    KMeansBatches.describeBatch(
        result, key, context.window(), batch.size(), rejected, model.batches(), model.points());
    result.batchMeanSquaredError = batch.isEmpty() ? Double.NaN : squaredErrors / batch.size();
    result.weights = model.weights();
    if (model instanceof BayesianLinearRegression bayesian) {
      double[] sd = bayesian.standardDeviations();
      result.standardDeviations = sd;
      result.lower95 = new double[sd.length];
      result.upper95 = new double[sd.length];
      for (int i = 0; i < sd.length; i++) {
        result.lower95[i] = result.weights[i] - BayesianLinearRegression.Z_95 * sd[i];
        result.upper95[i] = result.weights[i] + BayesianLinearRegression.Z_95 * sd[i];
      }
    }
    out.collect(result);
  }
}
