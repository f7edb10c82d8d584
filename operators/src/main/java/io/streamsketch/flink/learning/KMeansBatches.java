package io.streamsketch.flink.learning;

import io.streamsketch.learning.kmeans.BatchUpdate;
import io.streamsketch.learning.kmeans.KMeansParameters;
import io.streamsketch.learning.kmeans.StreamingKMeans;
import io.streamsketch.model.ClusterCentres;
import io.streamsketch.model.ModelBatch;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;
import org.apache.flink.util.function.SerializableFunction;

/**
 * Applies each event-time window's elements as one mini-batch to a {@link StreamingKMeans} model kept per key in
 * the window operator's global (per-key, not per-window) state, and emits the centres after each batch.
 *
 * <p>Windows of one key fire in event-time order, so batches are applied in order; each must fire exactly once,
 * which {@link LearningWindows} ensures (no allowed lateness). A point whose features are invalid (wrong length, not
 * finite) is left out and counted in {@link ClusterCentres#rejectedPoints}. A model restored with parameters other
 * than this function's fails the job with a message, rather than silently continuing with the old ones.
 */
public final class KMeansBatches<T, K> extends ProcessWindowFunction<T, ClusterCentres, K, TimeWindow> {
  private static final long serialVersionUID = 1L;

  private final KMeansParameters parameters;
  private final SerializableFunction<T, double[]> features;
  private final ValueStateDescriptor<StreamingKMeans> modelDescriptor =
      new ValueStateDescriptor<>("streaming-kmeans", StreamingKMeansSerializer.TYPE_INFO);

  public KMeansBatches(KMeansParameters parameters, SerializableFunction<T, double[]> features) {
    this.parameters = parameters;
    this.features = features;
  }

  @Override
  public void process(K key, Context context, Iterable<T> elements, Collector<ClusterCentres> out) throws Exception {
    ValueState<StreamingKMeans> state = context.globalState().getState(modelDescriptor);
    StreamingKMeans model = state.value();
    if (model == null) {
      model = StreamingKMeans.create(parameters);
    } else if (!model.parameters().equals(parameters)) {
      throw new IllegalStateException(
          "the restored k-means model of key " + key + " has parameters " + model.parameters()
              + " but the job now asks for " + parameters + ": start without that state to change them");
    }
    List<double[]> points = new ArrayList<>();
    long rejected = 0;
    for (T element : elements) {
      double[] x = features.apply(element);
      if (StreamingKMeans.invalidPoint(parameters, x) == null) {
        points.add(x);
      } else {
        rejected++;
      }
    }
    BatchUpdate update = model.update(points.toArray(new double[0][]));
    state.update(model);

    ClusterCentres result = new ClusterCentres();
    describeBatch(result, key, context.window(), points.size(), rejected, model.batches(), model.points());
    result.centres = model.centres();
    result.weights = model.weights();
    result.assigned = update.assigned();
    result.seeded = update.seeded();
    result.dyingCluster = update.dyingCluster();
    result.splitCluster = update.splitCluster();
    out.collect(result);
  }

  /** Fills the fields every learner's result has. */
  static void describeBatch(
      ModelBatch result, Object key, TimeWindow window, long points, long rejected, long batches, long totalPoints) {
    result.model = String.valueOf(key);
    result.batchStart = window.getStart();
    result.batchEnd = window.getEnd();
    result.batch = batches;
    result.points = points;
    result.rejectedPoints = rejected;
    result.totalPoints = totalPoints;
  }
}
