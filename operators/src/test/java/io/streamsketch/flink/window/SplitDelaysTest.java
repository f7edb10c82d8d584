package io.streamsketch.flink.window;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsketch.model.ClickEvent;
import io.streamsketch.model.EventDelay;
import io.streamsketch.model.EventKind;
import java.util.List;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.util.function.SerializableFunction;
import org.junit.jupiter.api.Test;

/**
 * {@link SplitDelays} in a harness: the delay behind each split's own largest event time, the frontier as the
 * timestamp, watermarks passed on, the frontiers through a snapshot, and the reader as the split when none is given.
 */
class SplitDelaysTest {
  /** Event i's split is i mod 2, as the generator's partitions. */
  private static final SerializableFunction<ClickEvent, String> BY_ID_MOD_2 = event -> "s" + event.eventId % 2;

  private static StreamRecord<ClickEvent> event(long id, long time) {
    return new StreamRecord<>(new ClickEvent(id, "u", "p", EventKind.VIEW, null, time), time);
  }

  private static OneInputStreamOperatorTestHarness<ClickEvent, EventDelay> harness(
      SerializableFunction<ClickEvent, String> split) throws Exception {
    return new OneInputStreamOperatorTestHarness<>(new SplitDelays(split));
  }

  @Test
  void eachEventTrailsOnlyItsOwnSplitsLargestTimeAndIsStampedWithIt() throws Exception {
    try (var harness = harness(BY_ID_MOD_2)) {
      harness.open();
      harness.processElement(event(0, 1_000)); // s0: in order
      harness.processElement(event(1, 5_000)); // s1: in order, far ahead of s0
      harness.processElement(event(2, 900)); // s0: 100 behind s0's 1,000, not behind s1's 5,000
      harness.processElement(event(3, 5_000)); // s1: a tie is in order
      harness.processWatermark(new Watermark(800));
      harness.processElement(event(4, 1_200)); // s0: in order again
      List<Object> output = List.copyOf(harness.getOutput());
      assertThat(output).hasSize(6);
      assertThat(harness.extractOutputValues())
          .extracting(delay -> delay.split + ":" + delay.delay + "@" + delay.frontier)
          .containsExactly("s0:0@1000", "s1:0@5000", "s0:100@1000", "s1:0@5000", "s0:0@1200");
      assertThat(harness.extractOutputStreamRecords())
          .extracting(StreamRecord::getTimestamp)
          .containsExactly(1_000L, 5_000L, 1_000L, 5_000L, 1_200L);
      assertThat(output.get(4)).isEqualTo(new Watermark(800));
    }
  }

  @Test
  void aRestoredOperatorContinuesEachSplitsFrontier() throws Exception {
    OperatorSubtaskState snapshot;
    try (var harness = harness(BY_ID_MOD_2)) {
      harness.open();
      harness.processElement(event(0, 10_000));
      harness.processElement(event(1, 20_000));
      snapshot = harness.snapshot(1, 1);
    }
    try (var restored = harness(BY_ID_MOD_2)) {
      restored.initializeState(snapshot);
      restored.open();
      restored.processElement(event(2, 7_000));
      restored.processElement(event(3, 19_000));
      assertThat(restored.extractOutputValues()).extracting(delay -> delay.delay).containsExactly(3_000L, 1_000L);
    }
  }

  @Test
  void withoutASplitFunctionTheSubtasksReaderIsTheSplit() throws Exception {
    try (var harness = harness(null)) {
      harness.open();
      harness.processElement(event(0, 1_000));
      harness.processElement(event(1, 400));
      assertThat(harness.extractOutputValues())
          .extracting(delay -> delay.split + ":" + delay.delay)
          .containsExactly("reader-0/1:0", "reader-0/1:600");
    }
  }
}
