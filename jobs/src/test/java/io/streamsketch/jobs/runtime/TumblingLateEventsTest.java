package io.streamsketch.jobs.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsketch.flink.io.SideOutputs;
import io.streamsketch.model.ClickEvent;
import io.streamsketch.model.EventKind;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The exact jobs' late-event router on a test harness: 1 min tumbling windows, 1 min allowed lateness, so an event
 * is late once the watermark reaches its window's end - 1 ms + 1 min. It is not keyed and keeps nothing: its snapshot
 * holds no state after each case (a non-keyed operator cannot register timers).
 */
class TumblingLateEventsTest {
  private static final long MINUTE = 60_000;

  private OneInputStreamOperatorTestHarness<ClickEvent, ClickEvent> harness;

  @BeforeEach
  void open() throws Exception {
    harness = new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(new TumblingLateEvents(MINUTE, MINUTE)));
    harness.open();
  }

  @AfterEach
  void nothingIsLeft() throws Exception {
    OperatorSubtaskState snapshot = harness.snapshot(1, 1);
    assertThat(snapshot.getManagedKeyedState()).isEmpty();
    assertThat(snapshot.getManagedOperatorState()).isEmpty();
    harness.close();
  }

  private ClickEvent event(long id, long time) throws Exception {
    ClickEvent event = new ClickEvent(id, "u1", "p1", EventKind.VIEW, null, time);
    harness.processElement(new StreamRecord<>(event, time));
    return event;
  }

  @Test
  void anEventIsLateExactlyWhenItsWindowIsPastTheLateness() throws Exception {
    harness.processWatermark(2 * MINUTE - 2);
    ClickEvent onTime = event(1, 0);
    harness.processWatermark(2 * MINUTE - 1);
    ClickEvent late = event(2, MINUTE - 1);
    ClickEvent nextWindow = event(3, MINUTE);
    assertThat(harness.extractOutputValues()).containsExactly(onTime, nextWindow);
    assertThat(harness.getSideOutput(SideOutputs.LATE_EVENTS))
        .extracting(StreamRecord::getValue)
        .containsExactly(late);
  }

  @Test
  void negativeEventTimesFallInTheWindowBelowThem() throws Exception {
    harness.processWatermark(MINUTE - 2);
    ClickEvent onTime = event(1, -1);
    harness.processWatermark(MINUTE - 1);
    ClickEvent late = event(2, -1);
    assertThat(harness.extractOutputValues()).containsExactly(onTime);
    assertThat(harness.getSideOutput(SideOutputs.LATE_EVENTS)).extracting(StreamRecord::getValue).containsExactly(late);
  }
}
