package io.streamsketch.flink.aggregate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.streamsketch.sketch.quantiles.KllSketch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.api.Test;

/**
 * {@link KllAggregate} in the local-global aggregation: two subtasks' {@link LocalWindowAggregator}s (each its own copy
 * of the function, as Flink deserializes one per subtask) fed the same values, merged by the global side's {@link
 * MergePartials}. The merged sketch counts every value, has the exact extremes and quantiles within the stated
 * error, and the two subtasks' sketches drew different coins (same seed, same values, different sketches).
 */
class KllAggregateTest {
  private static final long WINDOW_MILLIS = 1_000;
  private static final int VALUES_PER_SUBTASK = 50_000;
  private static final OutputTag<Double> LATE = new OutputTag<>("late", Types.DOUBLE);

  @Test
  void partialsOfTwoSubtasksMergeIntoOneSketchOfAllValues() throws Exception {
    List<WindowPartial<KllSketch>> partials = new ArrayList<>();
    partials.addAll(localPartials(0));
    partials.addAll(localPartials(1));
    assertThat(partials).hasSize(2);
    assertThat(partials.get(0).accumulator.n()).isEqualTo(VALUES_PER_SUBTASK);
    assertThat(partials.get(0).accumulator).isNotEqualTo(partials.get(1).accumulator);

    MergePartials<KllSketch> global = new MergePartials<>(aggregate());
    KllSketch merged = global.createAccumulator();
    for (WindowPartial<KllSketch> partial : partials) {
      merged = global.add(partial, merged);
    }
    assertThat(merged.n()).isEqualTo(2L * VALUES_PER_SUBTASK);
    assertThat(merged.min()).isZero();
    assertThat(merged.max()).isEqualTo(VALUES_PER_SUBTASK - 1);
    double error = KllSketch.normalizedRankError(200);
    for (double rank : new double[] {0.5, 0.9, 0.99, 0.999}) {
      // Each value v is there twice: its exact rank is (v + 1) / VALUES_PER_SUBTASK.
      assertThat((merged.quantile(rank) + 1) / VALUES_PER_SUBTASK).isCloseTo(rank, within(error));
    }
  }

  @Test
  void aNullValueOrAnInvalidKFailsWithAMessage() {
    KllAggregate<Double> aggregate = new KllAggregate<>(v -> v, 200, 1);
    assertThatThrownBy(() -> aggregate.add(null, aggregate.createAccumulator()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("null");
    assertThatThrownBy(() -> aggregate.add(Double.NaN, aggregate.createAccumulator()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NaN");
    assertThatThrownBy(() -> new KllAggregate<Double>(v -> v, 4, 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("k must be in");
  }

  @Test
  void aKeyedWindowsAccumulatorsDrawDifferentCoins() {
    KllAggregate<Double> aggregate = aggregate();
    KllSketch a = aggregate.createAccumulator();
    KllSketch b = aggregate.createAccumulator();
    for (int i = 0; i < 10_000; i++) {
      aggregate.add((double) i, a);
      aggregate.add((double) i, b);
    }
    assertThat(a).isNotEqualTo(b);
    assertThat(aggregate.merge(a, b).n()).isEqualTo(20_000);
  }

  private static KllAggregate<Double> aggregate() {
    return new KllAggregate<>(v -> v, 200, 42);
  }

  /** Subtask {@code subtask}'s partials of one window of the values 0 .. VALUES_PER_SUBTASK − 1, shuffled. */
  private static List<WindowPartial<KllSketch>> localPartials(int subtask) throws Exception {
    LocalWindowAggregator<Double, KllSketch> operator =
        new LocalWindowAggregator<>(
            value -> "*", TumblingEventTimeWindows.of(Duration.ofMillis(WINDOW_MILLIS)), Duration.ZERO, aggregate(),
            Integer.MAX_VALUE, LATE);
    try (OneInputStreamOperatorTestHarness<Double, WindowPartial<KllSketch>> harness =
        new OneInputStreamOperatorTestHarness<>(operator, 2, 2, subtask)) {
      harness.open();
      for (int i = 0; i < VALUES_PER_SUBTASK; i++) {
        harness.processElement(new StreamRecord<>((double) (i * 7_919L % VALUES_PER_SUBTASK), i % WINDOW_MILLIS));
      }
      harness.processWatermark(new Watermark(WINDOW_MILLIS - 1));
      return new ArrayList<>(harness.extractOutputValues());
    }
  }
}
