package io.streamsketch.flink.aggregate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamsketch.flink.io.CoalescingWatermarkOutput;
import io.streamsketch.flink.io.SideOutputs;
import io.streamsketch.model.ClickEvent;
import io.streamsketch.model.EventKind;
import io.streamsketch.sketch.hll.HyperLogLog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.api.windowing.assigners.SlidingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.assigners.WindowAssigner;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The flush rules, lateness and exactness of the local half of the local-global aggregation. */
class LocalWindowAggregatorTest {
  private static final long MINUTE = 60_000;
  private static final HyperLogLogAggregate<ClickEvent> USERS = new HyperLogLogAggregate<>(e -> e.userId, 10);

  private OneInputStreamOperatorTestHarness<ClickEvent, WindowPartial<HyperLogLog>> harness;
  private LocalWindowAggregator<ClickEvent, HyperLogLog> operator;

  private void open(WindowAssigner<Object, TimeWindow> windows, Duration lateness, int maxPartials) throws Exception {
    operator =
        new LocalWindowAggregator<>(e -> e.pageId, windows, lateness, USERS, maxPartials, SideOutputs.LATE_EVENTS);
    harness = new OneInputStreamOperatorTestHarness<>(operator);
    harness.open();
  }

  @AfterEach
  void close() throws Exception {
    if (harness != null) {
      harness.close();
    }
  }

  private void view(long id, String user, String page, long time) throws Exception {
    harness.processElement(new StreamRecord<>(new ClickEvent(id, user, page, EventKind.VIEW, null, time), time));
  }

  @Test
  void aWatermarkFlushesTheWindowsItFiresBeforeItIsForwardedAndKeepsOpenWindows() throws Exception {
    open(TumblingEventTimeWindows.of(Duration.ofMinutes(1)), Duration.ZERO, 1_000);
    view(1, "u1", "p1", 10_000);
    view(2, "u2", "p1", 20_000);
    view(3, "u1", "p2", 30_000);
    view(4, "u3", "p1", MINUTE + 5_000);
    assertThat(harness.getOutput()).isEmpty();

    harness.processWatermark(MINUTE - 1);
    assertThat(harness.getOutput()).as("the partials, the watermark held after them").hasSize(2);
    harness.setProcessingTime(CoalescingWatermarkOutput.MAX_HOLD_MILLIS);
    List<Object> output = new ArrayList<>(harness.getOutput());
    assertThat(output).hasSize(3);
    assertThat(output.get(2)).isEqualTo(new Watermark(MINUTE - 1));
    List<WindowPartial<HyperLogLog>> partials = harness.extractOutputValues();
    assertThat(partials)
        .extracting(p -> p.key + "@" + p.windowStart + ":" + p.events + "=" + Math.round(p.accumulator.estimate()))
        .containsExactlyInAnyOrder("p1@0:2=2", "p2@0:1=1");
    assertThat(operator.heldPartials()).isEqualTo(1);
  }

  @Test
  void allKeysPartialsMergeEveryKeyOfTheirWindowPerFlushAfterThePerKeyOnes() throws Exception {
    operator =
        new LocalWindowAggregator<>(
            e -> e.pageId,
            TumblingEventTimeWindows.of(Duration.ofMinutes(1)),
            Duration.ZERO,
            USERS,
            1_000,
            SideOutputs.LATE_EVENTS,
            "*");
    harness = new OneInputStreamOperatorTestHarness<>(operator);
    harness.open();
    view(1, "u1", "p1", 10_000);
    view(2, "u2", "p1", 20_000);
    view(3, "u1", "p2", 30_000);
    view(4, "u3", "p2", MINUTE + 5_000);
    harness.prepareSnapshotPreBarrier(1);
    view(5, "u4", "p3", 40_000);
    harness.processWatermark(MINUTE - 1);

    List<WindowPartial<HyperLogLog>> partials = harness.extractOutputValues();
    assertThat(partials)
        .extracting(p -> (p.allKeys ? "all:" : "") + p.key + "@" + p.windowStart + ":" + p.events + "="
            + Math.round(p.accumulator.estimate()))
        .containsExactlyInAnyOrder(
            "p1@0:2=2", "p2@0:1=1", "all:*@0:3=2", "p2@60000:1=1", "all:*@60000:1=1", "p3@0:1=1", "all:*@0:1=1");
    // Each window's all-keys partial comes after its per-key ones.
    assertThat(partials.get(2).allKeys).isTrue();
    assertThat(partials.get(partials.size() - 1).allKeys).isTrue();
    assertThat(partials.get(0).toJson()).doesNotContain("allKeys");
    assertThat(partials.get(2).toJson()).contains("\"allKeys\":true");
  }

  @Test
  void allKeysPartialsOfARandomizedAggregateAreRefused() {
    assertThatThrownBy(
            () ->
                new LocalWindowAggregator<>(
                    (ClickEvent e) -> e.pageId,
                    TumblingEventTimeWindows.of(Duration.ofMinutes(1)),
                    Duration.ZERO,
                    new ReservoirAggregate<>(8, 3, TypeInformation.of(ClickEvent.class)),
                    1_000,
                    SideOutputs.LATE_EVENTS,
                    "*"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("randomized");
  }

  @Test
  void aCheckpointBarrierFindsNothingHeld() throws Exception {
    open(TumblingEventTimeWindows.of(Duration.ofMinutes(1)), Duration.ZERO, 1_000);
    view(1, "u1", "p1", 10_000);
    view(2, "u2", "p1", 3 * MINUTE);
    harness.prepareSnapshotPreBarrier(1);
    assertThat(harness.extractOutputValues()).extracting(p -> p.windowStart).containsExactlyInAnyOrder(0L, 3 * MINUTE);
    assertThat(operator.heldPartials()).isZero();
  }

  @Test
  void theEndOfInputAndTheSizeBoundFlushEverything() throws Exception {
    open(TumblingEventTimeWindows.of(Duration.ofMinutes(1)), Duration.ZERO, 2);
    view(1, "u1", "p1", 0);
    view(2, "u1", "p2", 0);
    assertThat(harness.extractOutputValues()).isEmpty();
    view(3, "u1", "p3", 0);
    assertThat(harness.extractOutputValues()).hasSize(3);
    view(4, "u1", "p4", 0);
    harness.endInput();
    assertThat(harness.extractOutputValues()).hasSize(4);
    assertThat(operator.heldPartials()).isZero();
  }

  @Test
  void eventsLateForEveryWindowGoToTheLateOutputOthersStillCount() throws Exception {
    open(SlidingEventTimeWindows.of(Duration.ofMinutes(2), Duration.ofMinutes(1)), Duration.ofSeconds(10), 1_000);
    harness.processWatermark(2 * MINUTE + 5_000);
    view(1, "u1", "p1", MINUTE + 1_000); // windows [0, 2m) within lateness, and [1m, 3m) open
    view(2, "u2", "p1", 30_000); // windows [-1m, 1m) and [0, 2m): [0, 2m) within lateness
    view(3, "u3", "p1", 10_000 - MINUTE); // only [-2m, 0) and [-1m, 1m): both past their lateness
    harness.processWatermark(2 * MINUTE + 9_999);
    assertThat(harness.extractOutputValues())
        .extracting(p -> p.windowStart + ":" + p.events)
        .containsExactly("0:2");
    assertThat(harness.getSideOutput(SideOutputs.LATE_EVENTS))
        .extracting(record -> record.getValue().eventId)
        .containsExactly(3L);
    harness.processWatermark(3 * MINUTE - 1);
    assertThat(harness.extractOutputValues()).extracting(p -> p.windowStart + ":" + p.events).contains("60000:1");
  }

  @Test
  void mergedPartialsOfTwoSubtasksEqualTheSinglePassSketch() throws Exception {
    HyperLogLog singlePass = USERS.createAccumulator();
    HyperLogLog merged = USERS.createAccumulator();
    SplittableRandom random = new SplittableRandom(11);
    List<List<ClickEvent>> subtasks = List.of(new ArrayList<>(), new ArrayList<>());
    for (int i = 0; i < 20_000; i++) {
      ClickEvent event = new ClickEvent(i, "u" + random.nextInt(5_000), "p1", EventKind.VIEW, null, random.nextInt(60_000));
      USERS.add(event, singlePass);
      subtasks.get(random.nextInt(2)).add(event);
    }
    for (List<ClickEvent> events : subtasks) {
      // A small bound, so each subtask flushes several partials of the same window.
      open(TumblingEventTimeWindows.of(Duration.ofMinutes(1)), Duration.ZERO, 1);
      for (int i = 0; i < events.size(); i++) {
        harness.processElement(new StreamRecord<>(events.get(i), events.get(i).eventTime));
        if (i % 1_000 == 0) {
          harness.prepareSnapshotPreBarrier(i);
        }
      }
      harness.endInput();
      for (WindowPartial<HyperLogLog> partial : harness.extractOutputValues()) {
        USERS.merge(merged, partial.accumulator);
      }
      harness.close();
      harness = null;
    }
    // A merge drops the HIP state, so compare registers: the single-pass sketch merged into an empty one.
    HyperLogLog singlePassRegisters = USERS.createAccumulator();
    singlePassRegisters.merge(singlePass);
    assertThat(merged).isEqualTo(singlePassRegisters);
  }
}
