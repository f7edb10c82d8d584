package io.streamsketch.flink.aggregate;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsketch.flink.io.SideOutputs;
import io.streamsketch.sketch.sampling.SkipReservoir;
import io.streamsketch.sketch.testing.JointInclusion;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.api.Test;

/**
 * The sample of a window merged from the reservoirs of several subtasks is uniform over pairs of events, as the
 * {@code sample} job builds it: one {@link LocalWindowAggregator} per subtask (each with its own copy of the same
 * {@link ReservoirAggregate}, as Flink deserializes one per subtask), then the global side's {@link MergePartials}.
 * Reservoirs seeded alike on every subtask made identical draws, so the i-th events of two subtasks were sampled
 * together about four times too often. Each window is one run of the test (significance 0.001, see JointInclusion).
 * The same holds for the partials of two keys of one subtask merged into one sample (as a global sample merged from
 * per-key partials would be).
 */
class ReservoirAggregateAcrossSubtasksTest {
  private static final int SUBTASKS = 2;
  private static final int EVENTS_PER_SUBTASK = 20;
  private static final int K = 5;
  private static final int WINDOWS = 20_000;
  private static final long WINDOW_MILLIS = 1_000;
  private static final OutputTag<Long> LATE = new OutputTag<>("late", Types.LONG);

  @Test
  void theMergedSampleOfEachWindowIsUniformOverPairsOfEvents() throws Exception {
    Map<Long, List<SkipReservoir<Long>>> partialsByWindow = new TreeMap<>();
    for (int subtask = 0; subtask < SUBTASKS; subtask++) {
      for (WindowPartial<SkipReservoir<Long>> partial : localPartials(42, subtask, SUBTASKS, event -> "*")) {
        partialsByWindow.computeIfAbsent(partial.windowStart, w -> new ArrayList<>()).add(partial.accumulator);
      }
    }
    assertUniformOverPairs(42, partialsByWindow, "subtask");
  }

  @Test
  void theMergedSampleOfTwoKeysOfOneSubtaskIsUniformOverPairsOfEvents() throws Exception {
    Map<Long, List<SkipReservoir<Long>>> partialsByWindow = new TreeMap<>();
    // One subtask; events i of "subtask" s of the numbering below are its events of key s.
    for (WindowPartial<SkipReservoir<Long>> partial :
        localPartials(7, 0, 1, event -> Long.toString(event % (WINDOW_MILLIS * SUBTASKS * EVENTS_PER_SUBTASK) / EVENTS_PER_SUBTASK))) {
      partialsByWindow.computeIfAbsent(partial.windowStart, w -> new ArrayList<>()).add(partial.accumulator);
    }
    assertUniformOverPairs(7, partialsByWindow, "key");
  }

  /** Merges each window's partials as the global side does and tests the samples over pairs of events. */
  private static void assertUniformOverPairs(long seed, Map<Long, List<SkipReservoir<Long>>> partialsByWindow, String part) {
    assertThat(partialsByWindow).hasSize(WINDOWS);
    int n = SUBTASKS * EVENTS_PER_SUBTASK;
    JointInclusion test =
        new JointInclusion(
            n,
            K,
            (i, j) ->
                i / EVENTS_PER_SUBTASK == j / EVENTS_PER_SUBTASK
                    ? 0
                    : i % EVENTS_PER_SUBTASK == j % EVENTS_PER_SUBTASK ? 1 : 2,
            "same " + part,
            "i-th events of two " + part + "s",
            "other pairs across " + part + "s");
    MergePartials<SkipReservoir<Long>> global = new MergePartials<>(aggregate(seed));
    for (Map.Entry<Long, List<SkipReservoir<Long>>> window : partialsByWindow.entrySet()) {
      SkipReservoir<Long> merged = global.createAccumulator();
      for (SkipReservoir<Long> partial : window.getValue()) {
        merged = global.add(new WindowPartial<>("*", window.getKey(), window.getKey() + WINDOW_MILLIS, 0, partial), merged);
      }
      assertThat(merged.itemsSeen()).isEqualTo(n);
      // Events as 0..n-1, subtask by subtask, whatever their window.
      test.record(merged.sample().stream().map(event -> event % (WINDOW_MILLIS * n)).toList());
    }
    test.assertUniform();
  }

  /** A fresh copy of the job's aggregate, as each subtask deserializes its own. */
  private static ReservoirAggregate<Long> aggregate(long seed) {
    return new ReservoirAggregate<>(K, seed, Types.LONG);
  }

  /**
   * Subtask {@code subtask}'s partials (of {@code parallelism}): events {@code subtask · EVENTS_PER_SUBTASK + i} of
   * every window, or all events of every window if it is the only one, then the end of input.
   */
  private static List<WindowPartial<SkipReservoir<Long>>> localPartials(
      long seed, int subtask, int parallelism, KeySelector<Long, String> key) throws Exception {
    ReservoirAggregate<Long> aggregate = aggregate(seed);
    LocalWindowAggregator<Long, SkipReservoir<Long>> operator =
        new LocalWindowAggregator<>(
            key,
            TumblingEventTimeWindows.of(Duration.ofMillis(WINDOW_MILLIS)),
            Duration.ZERO,
            aggregate,
            Integer.MAX_VALUE,
            LATE);
    try (OneInputStreamOperatorTestHarness<Long, WindowPartial<SkipReservoir<Long>>> harness =
        new OneInputStreamOperatorTestHarness<>(operator, parallelism, parallelism, subtask)) {
      harness.open();
      int n = SUBTASKS * EVENTS_PER_SUBTASK;
      for (long window = 0; window < WINDOWS; window++) {
        for (int number = 0; number < n; number++) {
          if (parallelism > 1 && number / EVENTS_PER_SUBTASK != subtask) {
            continue;
          }
          // The event's number within the window; the value also names its window.
          long event = window * WINDOW_MILLIS * n + number;
          harness.processElement(new StreamRecord<>(event, window * WINDOW_MILLIS + number % EVENTS_PER_SUBTASK));
        }
      }
      harness.endInput();
      List<WindowPartial<SkipReservoir<Long>>> partials = new ArrayList<>(harness.extractOutputValues());
      partials.sort(Comparator.comparingLong(p -> p.windowStart));
      return partials;
    }
  }
}
