package io.streamsketch.jobs.sample;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsketch.flink.io.SideOutputs;
import io.streamsketch.jobs.testing.OperatorHarnesses;
import io.streamsketch.model.ClickEvent;
import io.streamsketch.model.EventKind;
import io.streamsketch.model.WindowSample;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code sample --exact}'s keyed function on a test harness: 1 min windows, 1 min allowed lateness, k = 3. After each
 * case no state and no timer are left.
 */
class ExactWindowSampleTest {
  private static final long MINUTE = 60_000;

  private KeyedOneInputStreamOperatorTestHarness<Long, ClickEvent, WindowSample> harness;

  private void open(long seed) throws Exception {
    harness =
        new KeyedOneInputStreamOperatorTestHarness<>(
            new KeyedProcessOperator<>(new ExactWindowSample(MINUTE, MINUTE, 3, seed)),
            event -> ExactWindowSample.windowStart(event, MINUTE),
            Types.LONG);
    harness.open();
  }

  @AfterEach
  void nothingIsLeft() throws Exception {
    OperatorHarnesses.assertNothingLeft(harness);
    harness.close();
  }

  private void event(long id, long time) throws Exception {
    harness.processElement(new StreamRecord<>(new ClickEvent(id, "u" + id, "p1", EventKind.VIEW, null, time), time));
  }

  private static List<Long> ids(WindowSample sample) {
    return Arrays.stream(sample.events).map(event -> event.eventId).toList();
  }

  @Test
  void drawsKDistinctEventsOfTheWindowAtTheWatermarkThenOncePerLateEvent() throws Exception {
    open(42);
    for (long id = 1; id <= 10; id++) {
      event(id, id * 1_000);
    }
    event(11, MINUTE + 1);
    harness.processWatermark(MINUTE - 1);
    List<WindowSample> fired = harness.extractOutputValues();
    assertThat(fired).hasSize(1);
    WindowSample first = fired.get(0);
    assertThat(first.windowStart).isZero();
    assertThat(first.windowEnd).isEqualTo(MINUTE);
    assertThat(first.itemsSeen).isEqualTo(10);
    assertThat(first.firing).isZero();
    assertThat(ids(first)).hasSize(3).doesNotHaveDuplicates().allMatch(id -> id >= 1 && id <= 10);

    event(12, 30_000);
    WindowSample update = harness.extractOutputValues().get(1);
    assertThat(update.itemsSeen).isEqualTo(11);
    assertThat(update.firing).isEqualTo(1);
    assertThat(ids(update)).hasSize(3).doesNotHaveDuplicates().allMatch(id -> id >= 1 && id <= 12 && id != 11);

    harness.processWatermark(2 * MINUTE - 1);
    event(13, 40_000);
    assertThat(harness.getSideOutput(SideOutputs.LATE_EVENTS))
        .extracting(record -> record.getValue().eventId)
        .containsExactly(13L);
    assertThat(harness.extractOutputValues()).last().satisfies(s -> assertThat(ids(s)).containsExactly(11L));
    harness.processWatermark(3 * MINUTE - 1);
  }

  @Test
  void theSameEventsInAnotherOrderGiveTheSameSample() throws Exception {
    List<Long> ids = new ArrayList<>();
    for (long id = 1; id <= 20; id++) {
      ids.add(id);
    }
    List<List<Long>> samples = new ArrayList<>();
    for (int order = 0; order < 2; order++) {
      if (order == 1) {
        nothingIsLeft();
        Collections.reverse(ids);
      }
      open(7);
      for (long id : ids) {
        event(id, id * 1_000);
      }
      harness.processWatermark(2 * MINUTE - 1);
      samples.add(ids(harness.extractOutputValues().get(0)));
    }
    assertThat(samples.get(1)).isEqualTo(samples.get(0));
  }

  @Test
  void aWindowWithFewerThanKEventsSamplesThemAll() throws Exception {
    open(1);
    event(1, 1_000);
    event(2, 2_000);
    harness.processWatermark(2 * MINUTE - 1);
    WindowSample sample = harness.extractOutputValues().get(0);
    assertThat(sample.k).isEqualTo(3);
    assertThat(ids(sample)).containsExactlyInAnyOrder(1L, 2L);
  }
}
