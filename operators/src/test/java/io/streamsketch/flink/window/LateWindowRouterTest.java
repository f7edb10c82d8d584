package io.streamsketch.flink.window;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamsketch.model.ClickEvent;
import io.streamsketch.model.EventKind;
import io.streamsketch.model.LateEvent;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.windowing.assigners.EventTimeSessionWindows;
import org.apache.flink.streaming.api.windowing.assigners.SlidingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.assigners.SlidingProcessingTimeWindows;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The router on a test harness with 10 min sliding windows every 5 min and 1 min allowed lateness: a window is late
 * once the watermark reaches its end - 1 ms + 1 min. It keeps no state and no timers.
 */
class LateWindowRouterTest {
  private static final long MINUTE = 60_000;
  private static final long T = 1_704_067_200_000L;

  private KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, ClickEvent> harness;

  @BeforeEach
  void open() throws Exception {
    LateWindowRouter<String> router =
        new LateWindowRouter<>(
            SlidingEventTimeWindows.of(Duration.ofMinutes(10), Duration.ofMinutes(5)), Duration.ofMinutes(1));
    harness =
        new KeyedOneInputStreamOperatorTestHarness<>(
            new KeyedProcessOperator<>(router), event -> event.pageId, Types.STRING);
    harness.open();
  }

  @AfterEach
  void nothingIsLeft() throws Exception {
    assertThat(harness.numKeyedStateEntries()).as("keyed state entries").isZero();
    assertThat(harness.numEventTimeTimers()).as("event-time timers").isZero();
    harness.close();
  }

  private ClickEvent view(long id, long time) throws Exception {
    ClickEvent event = new ClickEvent(id, "u" + id, "p1", EventKind.VIEW, null, time);
    harness.processElement(new StreamRecord<>(event, time));
    return event;
  }

  private List<LateEvent> late() {
    Queue<StreamRecord<LateEvent>> records = harness.getSideOutput(LateWindowRouter.LATE_WINDOWS);
    return records == null ? List.of() : records.stream().map(StreamRecord::getValue).toList();
  }

  @Test
  void anEventOnTimeForAllItsWindowsPassesAndNothingIsLate() throws Exception {
    harness.processWatermark(T + 6 * MINUTE - 2);
    ClickEvent event = view(1, T + 295_000);
    assertThat(harness.extractOutputValues()).containsExactly(event);
    assertThat(late()).isEmpty();
  }

  @Test
  void anEventLateForItsOlderWindowOnlyPassesWithALateRecordForThatWindow() throws Exception {
    harness.processWatermark(T + 6 * MINUTE - 1);
    ClickEvent event = view(3, T + 295_000);
    assertThat(harness.extractOutputValues()).containsExactly(event);
    assertThat(late()).containsExactly(new LateEvent(event, T - 5 * MINUTE, T + 5 * MINUTE));
  }

  @Test
  void anEventLateForAllItsWindowsIsNotPassedAndEachWindowGetsALateRecord() throws Exception {
    harness.processWatermark(T + 11 * MINUTE - 1);
    ClickEvent event = view(3, T + 295_000);
    assertThat(harness.extractOutputValues()).isEmpty();
    assertThat(late())
        .containsExactlyInAnyOrder(
            new LateEvent(event, T - 5 * MINUTE, T + 5 * MINUTE), new LateEvent(event, T, T + 10 * MINUTE));
  }

  @Test
  void watermarksPassThrough() throws Exception {
    harness.processWatermark(T);
    assertThat(harness.getOutput()).hasSize(1);
  }

  @Test
  void rejectsProcessingTimeAndMergingAssigners() {
    assertThatThrownBy(
            () ->
                new LateWindowRouter<String>(
                    SlidingProcessingTimeWindows.of(Duration.ofMinutes(10), Duration.ofMinutes(5)), Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> new LateWindowRouter<String>(EventTimeSessionWindows.withGap(Duration.ofMinutes(30)), Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aLateRecordIsAPojoWrittenAsTheEventFollowedByItsWindow() {
    assertThat(LateWindowRouter.LATE_WINDOWS.getTypeInfo()).isInstanceOf(PojoTypeInfo.class);
    LateEvent late = new LateEvent(new ClickEvent(3, "u3", "p1", EventKind.VIEW, null, 295_000), -300_000, 300_000);
    assertThat(late.toJson())
        .isEqualTo(
            "{\"eventId\":3,\"userId\":\"u3\",\"pageId\":\"p1\",\"kind\":\"VIEW\",\"adId\":null,"
                + "\"eventTime\":295000,\"windowStart\":-300000,\"windowEnd\":300000}");
  }
}
