package io.streamsketch.flink.learning;

import io.streamsketch.learning.kmeans.KMeansParameters;
import io.streamsketch.learning.regression.LabeledPoint;
import io.streamsketch.learning.regression.LinearRegressionModel;
import io.streamsketch.model.ClusterCentres;
import io.streamsketch.model.RegressionWeights;
import java.time.Duration;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.util.OutputTag;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.flink.util.function.SerializableSupplier;

/**
 * Wires the streaming learners: one model per key, one mini-batch per tumbling event-time window of {@code batch}.
 * Allowed lateness is zero on purpose: a late firing would apply a batch a second time. Elements behind the watermark
 * go to {@code late}, to be counted. Give the returned operator a {@code uid}: it holds the models.
 *
 * <p>A window with no elements does not exist in Flink, so a stretch of event time with no points applies no batch
 * and does not decay a k-means model (Spark's empty batches do, with the decay unit {@code batches}).
 */
public final class LearningWindows {
  private LearningWindows() {}

  public static <T, K> SingleOutputStreamOperator<ClusterCentres> kMeans(
      KeyedStream<T, K> input,
      Duration batch,
      KMeansParameters parameters,
      SerializableFunction<T, double[]> features,
      OutputTag<T> late) {
    return input
        .window(TumblingEventTimeWindows.of(batch))
        .allowedLateness(Duration.ZERO)
        .sideOutputLateData(late)
        .process(new KMeansBatches<>(parameters, features), TypeInformation.of(ClusterCentres.class));
  }

  public static <T, K, M extends LinearRegressionModel> SingleOutputStreamOperator<RegressionWeights> regression(
      KeyedStream<T, K> input,
      Duration batch,
      SerializableSupplier<M> newModel,
      TypeInformation<M> modelType,
      SerializableFunction<T, LabeledPoint> points,
      OutputTag<T> late) {
    return input
        .window(TumblingEventTimeWindows.of(batch))
        .allowedLateness(Duration.ZERO)
        .sideOutputLateData(late)
        .process(new RegressionBatches<>(newModel, modelType, points), TypeInformation.of(RegressionWeights.class));
  }
}
