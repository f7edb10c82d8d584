package io.streamsketch.flink.aggregate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamsketch.sketch.moments.AmsSketch;
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
 * {@link AmsAggregate} in the local-global aggregation: two subtasks' {@link LocalWindowAggregator}s (each its own
 * copy of the function) fed different halves of a stream of page views, merged by the global side's {@link
 * MergePartials}. The merge is exact: the merged sketch is the very sketch of the whole stream in one pass.
 */
class AmsAggregateTest {
  private static final long WINDOW_MILLIS = 1_000;
  private static final int VIEWS_PER_SUBTASK = 5_000;
  private static final OutputTag<String> LATE = new OutputTag<>("late", Types.STRING);

  @Test
  void partialsOfTwoSubtasksMergeIntoTheSketchOfTheWholeStream() throws Exception {
    List<WindowPartial<AmsSketch>> partials = new ArrayList<>();
    partials.addAll(localPartials(0));
    partials.addAll(localPartials(1));
    assertThat(partials).hasSize(2);

    MergePartials<AmsSketch> global = new MergePartials<>(aggregate());
    AmsSketch merged = global.createAccumulator();
    for (WindowPartial<AmsSketch> partial : partials) {
      merged = global.add(partial, merged);
    }
    AmsSketch single = aggregate().createAccumulator();
    long[] views = new long[100];
    for (int subtask = 0; subtask < 2; subtask++) {
      for (int i = 0; i < VIEWS_PER_SUBTASK; i++) {
        int page = page(subtask, i);
        single.update("page-" + page, 1);
        views[page]++;
      }
    }
    assertThat(merged).isEqualTo(single);
    double f2 = 0;
    for (long v : views) {
      f2 += (double) v * v;
    }
    // Deterministic (fixed seed); outside the bound with probability at most δ = 0.01 over seeds.
    assertThat(Math.abs(merged.estimate() - f2)).isLessThanOrEqualTo(merged.epsilon() * f2);
  }

  @Test
  void weightsOfEitherSignAreTheNetFrequencies() {
    AmsAggregate<String[]> aggregate = new AmsAggregate<>(e -> e[0], e -> Long.parseLong(e[1]), 0.3, 0.1, 5);
    AmsSketch sketch = aggregate.createAccumulator();
    aggregate.add(new String[] {"a", "5"}, sketch);
    aggregate.add(new String[] {"b", "3"}, sketch);
    aggregate.add(new String[] {"b", "-3"}, sketch);
    assertThat(aggregate.getResult(sketch).estimate()).isEqualTo(25);
  }

  @Test
  void aNullItemOrWeightOrInvalidParametersFailWithAMessage() {
    AmsAggregate<String[]> aggregate = new AmsAggregate<>(e -> e[0], e -> e[1] == null ? null : 1L, 0.3, 0.1, 5);
    assertThatThrownBy(() -> aggregate.add(new String[] {null, "1"}, aggregate.createAccumulator()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("item of an element is null");
    assertThatThrownBy(() -> aggregate.add(new String[] {"a", null}, aggregate.createAccumulator()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("weight of an element is null");
    assertThatThrownBy(() -> new AmsAggregate<String>(s -> s, 0, 0.1, 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("epsilon must be in (0, 1)");
    assertThatThrownBy(() -> new AmsAggregate<String>(s -> s, 0.1, 1, 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("delta must be in (0, 1)");
  }

  private static AmsAggregate<String> aggregate() {
    return new AmsAggregate<>(view -> view, 0.2, 0.01, 42);
  }

  /** The page of view i on a subtask: skewed (a page at least p about 1/(p+1) of the time), shifted by the subtask. */
  private static int page(int subtask, int i) {
    long mixed = (i * 2_654_435_761L + subtask * 40_503L) & 0xffff;
    return (int) Math.min(99, 0xffff / (mixed + 1) - 1 + subtask);
  }

  /** Subtask {@code subtask}'s partials of one window of its page views. */
  private static List<WindowPartial<AmsSketch>> localPartials(int subtask) throws Exception {
    LocalWindowAggregator<String, AmsSketch> operator =
        new LocalWindowAggregator<>(
            view -> "*", TumblingEventTimeWindows.of(Duration.ofMillis(WINDOW_MILLIS)), Duration.ZERO, aggregate(),
            Integer.MAX_VALUE, LATE);
    try (OneInputStreamOperatorTestHarness<String, WindowPartial<AmsSketch>> harness =
        new OneInputStreamOperatorTestHarness<>(operator, 2, 2, subtask)) {
      harness.open();
      for (int i = 0; i < VIEWS_PER_SUBTASK; i++) {
        harness.processElement(new StreamRecord<>("page-" + page(subtask, i), i % WINDOW_MILLIS));
      }
      harness.processWatermark(new Watermark(WINDOW_MILLIS - 1));
      return new ArrayList<>(harness.extractOutputValues());
    }
  }
}
