package io.streamsketch.flink.sessions;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsketch.flink.state.WriteBackKeyedProcessOperator;
import io.streamsketch.model.ClickEvent;
import io.streamsketch.model.EventKind;
import io.streamsketch.model.SessionSummary;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The sessionizer run write-back ({@link WriteBackKeyedProcessOperator}): every case of {@link SessionizerTest} with
 * state flushed after each element (a bound of one key) and only before the final check (a large bound), and runs
 * through snapshots and restores on either backend, into either operator, that emit what an uninterrupted run emits.
 */
class WriteBackSessionizerTest {
  private static final Duration GAP = Duration.ofMinutes(30);

  @Nested
  class FlushingAfterEveryElement extends SessionizerTest {
    @Override
    OneInputStreamOperator<ClickEvent, SessionSummary> operator(Sessionizer sessionizer) {
      return new WriteBackKeyedProcessOperator<>(sessionizer, 1);
    }
  }

  @Nested
  class FlushingBeforeSnapshotsOnly extends SessionizerTest {
    @Override
    OneInputStreamOperator<ClickEvent, SessionSummary> operator(Sessionizer sessionizer) {
      return new WriteBackKeyedProcessOperator<>(sessionizer, 1_000_000);
    }
  }

  @Test
  void snapshotsAndRestoresIntoEitherOperatorEmitWhatOneRunEmits() throws Exception {
    List<ClickEvent> events = disorderedEvents(new Random(11), 3_000);
    List<SessionSummary> uninterrupted = run(events, 0, s -> new KeyedProcessOperator<>(s), HashMapStateBackend::new);
    assertThat(uninterrupted).hasSizeGreaterThan(100);
    for (Supplier<StateBackend> backend : List.<Supplier<StateBackend>>of(HashMapStateBackend::new, EmbeddedRocksDBStateBackend::new)) {
      assertThat(run(events, 250, s -> new WriteBackKeyedProcessOperator<>(s, 50), backend)).isEqualTo(uninterrupted);
      assertThat(run(events, 400, s -> new WriteBackKeyedProcessOperator<>(s, 1_000_000), backend))
          .isEqualTo(uninterrupted);
    }
  }

  /** Events of 40 users over 10 hours, a tenth of them up to 20 minutes out of order, the watermark 5 minutes behind. */
  private static List<ClickEvent> disorderedEvents(Random random, int count) {
    List<ClickEvent> events = new ArrayList<>();
    long time = 1_767_225_600_000L;
    for (int i = 0; i < count; i++) {
      time += random.nextInt(24_000);
      long eventTime = random.nextInt(10) == 0 ? time - random.nextInt(20 * 60_000) : time;
      events.add(new ClickEvent(i, "u" + random.nextInt(40), "p" + random.nextInt(9), EventKind.VIEW, null, eventTime));
    }
    return events;
  }

  /**
   * Feeds the events with a watermark 5 minutes behind the largest time after each, snapshotting and restoring every
   * {@code restoreEvery} events (0: never), alternating the restored operator between write-back and Flink's.
   */
  private static List<SessionSummary> run(
      List<ClickEvent> events,
      int restoreEvery,
      Function<Sessionizer, OneInputStreamOperator<ClickEvent, SessionSummary>> firstOperator,
      Supplier<StateBackend> backend)
      throws Exception {
    List<SessionSummary> out = new ArrayList<>();
    KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, SessionSummary> harness =
        open(firstOperator.apply(sessionizer()), null, backend);
    long maxTime = Long.MIN_VALUE;
    int restores = 0;
    for (int i = 0; i < events.size(); i++) {
      ClickEvent event = events.get(i);
      harness.processElement(event, event.eventTime);
      maxTime = Math.max(maxTime, event.eventTime);
      harness.processWatermark(maxTime - 5 * 60_000);
      if (restoreEvery > 0 && i % restoreEvery == restoreEvery - 1) {
        harness.prepareSnapshotPreBarrier(i); // as the task does before a snapshot (the harness does not)
        OperatorSubtaskState snapshot = harness.snapshot(i, i);
        out.addAll(harness.extractOutputValues());
        harness.close();
        restores++;
        OneInputStreamOperator<ClickEvent, SessionSummary> next =
            restores % 2 == 1 ? new KeyedProcessOperator<>(sessionizer()) : firstOperator.apply(sessionizer());
        harness = open(next, snapshot, backend);
        harness.processWatermark(maxTime - 5 * 60_000); // a restored operator starts without a watermark
      }
    }
    harness.processWatermark(Long.MAX_VALUE);
    harness.prepareSnapshotPreBarrier(Long.MAX_VALUE);
    if (!(backend.get() instanceof EmbeddedRocksDBStateBackend)) { // the harness counts heap state only
      assertThat(harness.numKeyedStateEntries()).as("keyed state entries").isZero();
    }
    assertThat(harness.numEventTimeTimers()).as("event-time timers").isZero();
    out.addAll(harness.extractOutputValues());
    harness.close();
    return out;
  }

  private static Sessionizer sessionizer() {
    return new Sessionizer(GAP, Duration.ofHours(4), Duration.ofMinutes(10), Duration.ZERO);
  }

  private static KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, SessionSummary> open(
      OneInputStreamOperator<ClickEvent, SessionSummary> operator,
      OperatorSubtaskState restored,
      Supplier<StateBackend> backend)
      throws Exception {
    KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, SessionSummary> harness =
        new KeyedOneInputStreamOperatorTestHarness<>(operator, event -> event.userId, Types.STRING);
    harness.setStateBackend(backend.get());
    if (restored != null) {
      harness.initializeState(restored);
    }
    harness.open();
    return harness;
  }
}
