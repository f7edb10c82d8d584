package io.streamsketch.flink.learning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.streamsketch.learning.kmeans.DecayUnit;
import io.streamsketch.learning.kmeans.KMeansParameters;
import io.streamsketch.learning.kmeans.StreamingKMeans;
import io.streamsketch.learning.regression.BayesianLinearRegression;
import io.streamsketch.learning.regression.BayesianParameters;
import io.streamsketch.learning.regression.LabeledPoint;
import io.streamsketch.learning.regression.SgdLinearRegression;
import io.streamsketch.learning.regression.SgdParameters;
import io.streamsketch.model.ClusterCentres;
import io.streamsketch.model.RegressionWeights;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.operators.StreamOperatorFactory;
import org.apache.flink.streaming.api.transformations.OneInputTransformation;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.api.Test;

/**
 * The learners' window operators in a harness: each window is one batch applied in event-time order, the output is
 * what the plain model gives on the same batches, the model survives a snapshot and a restore on RocksDB, late and
 * invalid points are counted, and changed parameters fail. Each test ends with no timer and, where the harness can
 * count them (heap backend), one keyed state entry per key: the model, which is meant to stay.
 */
class LearningWindowsTest {
  private static final long MINUTE = 60_000;
  private static final OutputTag<LabeledPoint> LATE = new OutputTag<>("late", TypeInformation.of(LabeledPoint.class));
  private static final KMeansParameters KMEANS = new KMeansParameters(2, 2, 0.5, DecayUnit.BATCHES, 3);
  private static final BayesianParameters BAYES = new BayesianParameters(2, 0.1, 4);

  private static DataStream<LabeledPoint> graphInput() {
    return StreamExecutionEnvironment.getExecutionEnvironment()
        .fromData(TypeInformation.of(LabeledPoint.class), point(0, 0, 0));
  }

  private static LabeledPoint point(double x0, double x1, double y) {
    return new LabeledPoint(new double[] {x0, x1}, y);
  }

  private static <O> KeyedOneInputStreamOperatorTestHarness<String, LabeledPoint, O> harness(
      SingleOutputStreamOperator<O> built, boolean rocksDb) throws Exception {
    @SuppressWarnings("unchecked")
    StreamOperatorFactory<O> window =
        ((OneInputTransformation<LabeledPoint, O>) built.getTransformation()).getOperatorFactory();
    KeyedOneInputStreamOperatorTestHarness<String, LabeledPoint, O> harness =
        new KeyedOneInputStreamOperatorTestHarness<>(window, p -> "m", Types.STRING);
    if (rocksDb) {
      harness.setStateBackend(new EmbeddedRocksDBStateBackend());
    }
    return harness;
  }

  /** On RocksDB, as a restore in production; the harness counts keyed state entries on the heap backend only. */
  private static KeyedOneInputStreamOperatorTestHarness<String, LabeledPoint, ClusterCentres> kMeansHarness(
      KMeansParameters parameters) throws Exception {
    return harness(
        LearningWindows.kMeans(
            graphInput().keyBy(p -> "m", Types.STRING), Duration.ofMinutes(1), parameters, p -> p.features, LATE),
        true);
  }

  private static KeyedOneInputStreamOperatorTestHarness<String, LabeledPoint, RegressionWeights> bayesHarness(
      BayesianParameters parameters) throws Exception {
    return harness(
        LearningWindows.regression(
            graphInput().keyBy(p -> "m", Types.STRING),
            Duration.ofMinutes(1),
            () -> BayesianLinearRegression.create(parameters),
            BayesianLinearRegressionSerializer.TYPE_INFO,
            p -> p,
            LATE),
        false);
  }

  private static final LabeledPoint[] FIRST = {point(0, 0, 1), point(0, 1, 2), point(10, 10, 3), point(11, 10, 4)};
  private static final LabeledPoint[] SECOND = {point(1, 0, 5), point(9, 9, 6), point(10, 9, 7)};

  private static void send(KeyedOneInputStreamOperatorTestHarness<String, LabeledPoint, ?> h, long t, LabeledPoint... ps)
      throws Exception {
    for (LabeledPoint p : ps) {
      h.processElement(new StreamRecord<>(p, t));
    }
  }

  private static double[][] features(LabeledPoint... points) {
    double[][] x = new double[points.length][];
    for (int i = 0; i < points.length; i++) {
      x[i] = points[i].features;
    }
    return x;
  }

  private static void assertOnlyTheModelIsLeft(KeyedOneInputStreamOperatorTestHarness<String, LabeledPoint, ?> h) {
    assertThat(h.numKeyedStateEntries()).as("keyed state entries: the model").isEqualTo(1);
    assertThat(h.numEventTimeTimers()).as("event-time timers").isZero();
  }

  @Test
  void theRecordTypesArePojosNotGenericTypes() {
    for (Class<?> type : List.of(LabeledPoint.class, ClusterCentres.class, RegressionWeights.class)) {
      assertThat(TypeInformation.of(type)).as(type.getSimpleName()).isInstanceOf(PojoTypeInfo.class);
    }
  }

  @Test
  void kMeansAppliesEachWindowAsABatchInOrderAndSurvivesARestore() throws Exception {
    StreamingKMeans expected = StreamingKMeans.create(KMEANS);
    expected.update(features(FIRST));
    OperatorSubtaskState snapshot;
    try (var before = kMeansHarness(KMEANS)) {
      before.open();
      // The second window's points arrive first: batches still apply in window order.
      send(before, MINUTE + 5, SECOND);
      send(before, 10, FIRST);
      send(before, 20, point(Double.NaN, 0, 0));
      before.processWatermark(MINUTE - 1);
      List<ClusterCentres> first = before.extractOutputValues();
      assertThat(first).hasSize(1);
      assertThat(first.get(0).centres).isEqualTo(expected.centres());
      assertThat(first.get(0).weights).isEqualTo(expected.weights());
      assertThat(first.get(0).points).isEqualTo(4);
      assertThat(first.get(0).rejectedPoints).isEqualTo(1);
      assertThat(first.get(0).seeded).isTrue();
      assertThat(first.get(0).batch).isEqualTo(1);
      assertThat(first.get(0).batchEnd).isEqualTo(MINUTE);
      snapshot = before.snapshot(1, 1);
    }
    expected.update(features(SECOND));
    try (var after = kMeansHarness(KMEANS)) {
      after.initializeState(snapshot);
      after.open();
      after.processWatermark(2 * MINUTE - 1);
      send(after, 30, point(0, 0, 0));
      List<ClusterCentres> second = after.extractOutputValues();
      assertThat(second).hasSize(1);
      assertThat(second.get(0).centres).isEqualTo(expected.centres());
      assertThat(second.get(0).weights).isEqualTo(expected.weights());
      assertThat(second.get(0).totalPoints).isEqualTo(7);
      assertThat(second.get(0).seeded).isFalse();
      assertThat(after.getSideOutput(LATE)).hasSize(1);
      assertThat(after.numEventTimeTimers()).as("event-time timers").isZero();
    }
  }

  @Test
  void aModelRestoredWithOtherParametersFailsTheJob() throws Exception {
    OperatorSubtaskState snapshot;
    try (var before = kMeansHarness(KMEANS)) {
      before.open();
      send(before, 10, FIRST);
      before.processWatermark(MINUTE - 1);
      snapshot = before.snapshot(1, 1);
    }
    try (var after = kMeansHarness(new KMeansParameters(3, 2, 0.5, DecayUnit.BATCHES, 3))) {
      after.initializeState(snapshot);
      after.open();
      send(after, MINUTE + 1, SECOND);
      assertThatThrownBy(() -> after.processWatermark(2 * MINUTE - 1))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("start without that state");
    }
  }

  @Test
  void bayesianRegressionEmitsThePosteriorOfAllBatchesSoFarWithItsIntervals() throws Exception {
    BayesianLinearRegression expected = BayesianLinearRegression.create(BAYES);
    try (var harness = bayesHarness(BAYES)) {
      harness.open();
      send(harness, 10, FIRST);
      send(harness, MINUTE + 10, SECOND);
      send(harness, MINUTE + 20, point(1, 1, Double.POSITIVE_INFINITY));
      harness.processWatermark(2 * MINUTE - 1);
      List<RegressionWeights> out = harness.extractOutputValues();
      assertThat(out).hasSize(2);
      expected.update(FIRST);
      double[] beforeSecond = expected.weights();
      expected.update(SECOND);
      RegressionWeights last = out.get(1);
      assertThat(last.weights).isEqualTo(expected.weights());
      assertThat(last.standardDeviations).isEqualTo(expected.standardDeviations());
      for (int i = 0; i < 2; i++) {
        assertThat(last.lower95[i]).isLessThan(last.weights[i]);
        assertThat(last.upper95[i] - last.weights[i])
            .isCloseTo(BayesianLinearRegression.Z_95 * last.standardDeviations[i], within(1e-12));
      }
      assertThat(last.rejectedPoints).isEqualTo(1);
      assertThat(last.totalPoints).isEqualTo(7);
      double mse = 0;
      for (LabeledPoint p : SECOND) {
        double r = beforeSecond[0] * p.features[0] + beforeSecond[1] * p.features[1] - p.label;
        mse += r * r / SECOND.length;
      }
      assertThat(last.batchMeanSquaredError).isCloseTo(mse, within(1e-12));
      assertOnlyTheModelIsLeft(harness);
    }
  }

  @Test
  void sgdRegressionHasWeightsButNoUncertainty() throws Exception {
    SgdParameters parameters = new SgdParameters(2, 0.01, 0, 1);
    var built =
        LearningWindows.regression(
            graphInput().keyBy(p -> "m", Types.STRING),
            Duration.ofMinutes(1),
            () -> SgdLinearRegression.create(parameters),
            SgdLinearRegressionSerializer.TYPE_INFO,
            p -> p,
            LATE);
    try (var harness = harness(built, false)) {
      harness.open();
      send(harness, 10, FIRST);
      harness.processWatermark(MINUTE - 1);
      SgdLinearRegression expected = SgdLinearRegression.create(parameters);
      expected.update(FIRST);
      RegressionWeights out = harness.extractOutputValues().get(0);
      assertThat(out.weights).isEqualTo(expected.weights());
      assertThat(out.standardDeviations).isNull();
      assertThat(out.lower95).isNull();
      assertOnlyTheModelIsLeft(harness);
    }
  }
}
