package io.streamsketch.jobs.uniquevisitors;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsketch.flink.io.SideOutputs;
import io.streamsketch.jobs.testing.OperatorHarnesses;
import io.streamsketch.model.ClickEvent;
import io.streamsketch.model.EventKind;
import io.streamsketch.model.UniqueVisitors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code unique-visitors --exact}'s keyed function on a test harness: 1 min windows, 1 min allowed lateness. A window
 * fires at the watermark, once more per late event within the lateness, routes later events to the late output and
 * is cleared at its end + lateness: after each case no state and no timer are left.
 */
class ExactDistinctUsersTest {
  private static final long MINUTE = 60_000;

  private KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, UniqueVisitors> harness;

  @AfterEach
  void nothingIsLeft() throws Exception {
    OperatorHarnesses.assertNothingLeft(harness);
    harness.close();
  }

  private void open(boolean global) throws Exception {
    open(global, MINUTE);
  }

  private void open(boolean global, long allowedLateness) throws Exception {
    harness =
        new KeyedOneInputStreamOperatorTestHarness<>(
            new KeyedProcessOperator<>(new ExactDistinctUsers(MINUTE, allowedLateness, global)),
            event -> ExactDistinctUsers.key(event, MINUTE, global),
            Types.STRING);
    harness.open();
  }

  private void view(long id, String user, String page, long time) throws Exception {
    harness.processElement(new StreamRecord<>(new ClickEvent(id, user, page, EventKind.VIEW, null, time), time));
  }

  private static UniqueVisitors result(String page, long start, long users, int firing) {
    return new UniqueVisitors(page, start, start + MINUTE, users, users, users, firing);
  }

  @Test
  void countsDistinctUsersPerPageAtTheWatermarkThenOncePerLateEvent() throws Exception {
    open(false);
    view(1, "u1", "p1", 1_000);
    view(2, "u2", "p1", 2_000);
    view(3, "u1", "p1", 3_000);
    view(4, "u1", "p2", 4_000);
    view(5, "u3", "p1", MINUTE + 1);
    harness.processWatermark(MINUTE - 2);
    assertThat(harness.extractOutputValues()).isEmpty();

    harness.processWatermark(MINUTE - 1);
    assertThat(harness.extractOutputValues()).containsExactlyInAnyOrder(result("p1", 0, 2, 0), result("p2", 0, 1, 0));

    view(6, "u2", "p1", 5_000);
    view(7, "u4", "p1", 6_000);
    assertThat(harness.extractOutputValues()).endsWith(result("p1", 0, 2, 1), result("p1", 0, 3, 2));
    assertThat(harness.getSideOutput(SideOutputs.LATE_EVENTS)).isNull();

    harness.processWatermark(2 * MINUTE - 1);
    assertThat(harness.extractOutputValues()).endsWith(result("p1", MINUTE, 1, 0));
    assertThat(harness.numKeyedStateEntries()).as("the second window's users and firings only").isEqualTo(2);
    view(8, "u5", "p1", 7_000);
    assertThat(harness.getSideOutput(SideOutputs.LATE_EVENTS))
        .extracting(record -> record.getValue().eventId)
        .containsExactly(8L);

    harness.processWatermark(3 * MINUTE - 1);
  }

  @Test
  void aWindowWhoseFirstEventIsLateFiresAtOnceAndIsStillCleared() throws Exception {
    open(true);
    harness.processWatermark(MINUTE + 30_000);
    view(1, "u1", "p1", 10_000);
    view(2, "u2", "p2", 20_000);
    assertThat(harness.extractOutputValues())
        .containsExactly(result(UniqueVisitors.ALL_PAGES, 0, 1, 0), result(UniqueVisitors.ALL_PAGES, 0, 2, 1));
    harness.processWatermark(2 * MINUTE - 1);
  }

  @Test
  void withoutLatenessAWindowFiresOnceAndIsClearedByTheSameWatermark() throws Exception {
    open(false, 0);
    view(1, "u1", "p1", 1_000);
    harness.processWatermark(MINUTE - 1);
    assertThat(harness.extractOutputValues()).containsExactly(result("p1", 0, 1, 0));
    view(2, "u2", "p1", 2_000);
    assertThat(harness.getSideOutput(SideOutputs.LATE_EVENTS))
        .extracting(record -> record.getValue().eventId)
        .containsExactly(2L);
  }
}
