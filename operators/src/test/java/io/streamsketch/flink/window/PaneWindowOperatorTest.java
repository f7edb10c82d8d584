package io.streamsketch.flink.window;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsketch.flink.aggregate.HyperLogLogAggregate;
import io.streamsketch.flink.serde.HyperLogLogSerializer;
import io.streamsketch.flink.state.KeyedStateKeys;
import io.streamsketch.model.ClickEvent;
import io.streamsketch.model.EventKind;
import io.streamsketch.sketch.hll.HyperLogLog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link PaneWindowOperator} against a naive reference that keeps one accumulator per (key, window) and applies Flink's
 * window-operator rules element by element: the same results (window, value, firing number) and the same late (element,
 * window) pairs, over thousands of seeded, disordered events with late ones, through snapshots and restores midway, on
 * both state backends; nothing left at the end.
 */
class PaneWindowOperatorTest {
  private static final long MINUTE = 60_000;
  private static final OutputTag<String> LATE = new OutputTag<>("late", Types.STRING);
  private static final LateWindowRecord<ClickEvent, String> LATE_RECORD =
      (event, window) -> event.eventId + "@" + window.getStart();

  static Stream<Arguments> configurations() {
    List<Supplier<StateBackend>> backends = List.of(HashMapStateBackend::new, EmbeddedRocksDBStateBackend::new);
    List<Object[]> windows =
        List.of(
            new Object[] {"10m every 5m, 1m lateness", PaneWindows.sliding(Duration.ofMinutes(10), Duration.ofMinutes(5)), Duration.ofMinutes(1), 10_000},
            new Object[] {"10m every 4m (2m panes), no lateness", PaneWindows.sliding(Duration.ofMinutes(10), Duration.ofMinutes(4)), Duration.ZERO, 10_000},
            new Object[] {"10m every 1m, 3m lateness, 7 panes held", PaneWindows.sliding(Duration.ofMinutes(10), Duration.ofMinutes(1)), Duration.ofMinutes(3), 7},
            new Object[] {"1m tumbling, 1m lateness", PaneWindows.tumbling(Duration.ofMinutes(1)), Duration.ofMinutes(1), 10_000});
    return windows.stream()
        .flatMap(
            w ->
                backends.stream()
                    .map(b -> Arguments.of(w[0] + " on " + b.get().getClass().getSimpleName(), w[1], w[2], w[3], b)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("configurations")
  void countsEqualTheNaiveReferenceThroughRestores(
      String name, PaneWindows windows, Duration lateness, int maxHeldPanes, Supplier<StateBackend> backend)
      throws Exception {
    Run<Long> run =
        new Run<>(windows, lateness, new CountAggregate<ClickEvent>(), LongSerializer.INSTANCE, String::valueOf, maxHeldPanes, backend);
    run.feed(new Random(11), 6_000, 1_500);
    assertThat(run.late).as("some pairs are late").isNotEmpty();
    if (!lateness.isZero()) {
      assertThat(run.results).as("late updates fire again").anyMatch(result -> !result.endsWith("#0"));
    }
  }

  @Test
  void slidingHyperLogLogsEqualTheSketchOfEveryEventOfTheWindow() throws Exception {
    HyperLogLogAggregate<ClickEvent> users = new HyperLogLogAggregate<>(event -> event.userId, 10);
    Run<HyperLogLog> run =
        new Run<>(
            PaneWindows.sliding(Duration.ofMinutes(10), Duration.ofMinutes(1)),
            Duration.ofMinutes(1),
            users,
            HyperLogLogSerializer.INSTANCE,
            // Merged sketches drop the HIP estimate; equal registers give equal register estimates.
            sketch -> Double.toString(sketch.registerEstimate()),
            10_000,
            EmbeddedRocksDBStateBackend::new);
    run.feed(new Random(12), 4_000, 1_000);
    assertThat(run.results).isNotEmpty();
  }

  @Test
  void panesAndFiringsStayInMemoryUntilTheirPurgeAndABarrierWritesThem() throws Exception {
    PaneWindowOperator<String, ClickEvent, Long, String, String> operator = countOperator(PaneWindows.sliding(Duration.ofMinutes(10), Duration.ofMinutes(5)), 100);
    try (KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, String> harness = harness(operator, HashMapStateBackend::new)) {
      harness.open();
      for (int i = 0; i < 1_000; i++) {
        view(harness, i, "p" + (i % 2), i * 100L); // two keys, one pane each (the first 100 s)
      }
      view(harness, 1_000, "p0", 6 * MINUTE);
      // Three panes, and the timers of windows [-5m, 5m) and [0, 10m) of both keys and [5m, 15m) of p0.
      assertThat(operator.residentEntries()).isEqualTo(3 + 5);
      assertThat(harness.numKeyedStateEntries()).as("nothing in keyed state yet").isZero();
      assertThat(harness.numEventTimeTimers()).as("no timer in the timer service").isZero();

      harness.processWatermark(5 * MINUTE - 1); // passes the end of the first panes and fires [-5m, 5m)
      assertThat(harness.getOutput()).as("the results; the watermark is held until something follows it").hasSize(2);
      assertThat(harness.extractOutputValues())
          .containsExactlyInAnyOrder("p0@-300000=500#0", "p1@-300000=500#0");
      assertThat(operator.residentEntries()).as("three panes, three timers; the fired windows are purged").isEqualTo(3 + 3);
      assertThat(harness.numKeyedStateEntries()).as("fired from memory").isZero();

      harness.prepareSnapshotPreBarrier(1);
      List<Object> output = new ArrayList<>(harness.getOutput());
      assertThat(output).as("the barrier releases the watermark").hasSize(3);
      assertThat(output.get(2)).isEqualTo(new Watermark(5 * MINUTE - 1));
      assertThat(harness.numKeyedStateEntries()).as("the panes of two keys").isEqualTo(2);
      assertThat(harness.numEventTimeTimers()).as("the timers, also in the timer service").isEqualTo(3);
      assertThat(operator.residentEntries()).as("written, still resident").isEqualTo(3 + 3);

      harness.processWatermark(Long.MAX_VALUE);
      assertThat(harness.extractOutputValues())
          .containsExactlyInAnyOrder(
              "p0@-300000=500#0", "p1@-300000=500#0", "p0@0=501#0", "p1@0=500#0", "p0@300000=1#0");
      assertThat(operator.residentEntries()).isZero();
      assertNothingLeft(harness);
    }
  }

  /**
   * After a restore, the timers of windows with a restored pane are in Flink's timer service and the later windows'
   * in memory. One watermark that passes both must fire them in time order: [0, 10m) before [5m, 15m) purges their
   * shared pane.
   */
  @Test
  void aWatermarkFiresTimersOfTheServiceAndOfMemoryInTimeOrder() throws Exception {
    OperatorSubtaskState snapshot;
    try (KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, String> before =
        harness(countOperator(PaneWindows.sliding(Duration.ofMinutes(10), Duration.ofMinutes(5)), 100), HashMapStateBackend::new)) {
      before.open();
      view(before, 1, "p1", MINUTE);
      before.prepareSnapshotPreBarrier(1);
      snapshot = before.snapshot(1, 1);
    }
    try (KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, String> after =
        harness(countOperator(PaneWindows.sliding(Duration.ofMinutes(10), Duration.ofMinutes(5)), 100), HashMapStateBackend::new)) {
      after.initializeState(snapshot);
      after.open();
      view(after, 2, "p1", 6 * MINUTE); // the pane [5m, 10m) of [0, 10m) (timers in the service) and [5m, 15m) (in memory)
      after.processWatermark(20 * MINUTE);
      assertThat(after.extractOutputValues())
          .containsExactlyInAnyOrder("p1@-300000=1#0", "p1@0=2#0", "p1@300000=1#0");
      assertNothingLeft(after);
    }
  }

  /**
   * A heap backend keeps the object written at a barrier, and an asynchronous snapshot may still be serializing it:
   * a later element changes a copy, and the written sketch stays as it was until the next barrier.
   */
  @Test
  void aSketchWrittenAtABarrierIsNotChangedByLaterElements() throws Exception {
    PaneWindowOperator<String, ClickEvent, HyperLogLog, String, String> operator =
        new PaneWindowOperator<>(
            PaneWindows.tumbling(Duration.ofMinutes(1)), Duration.ZERO, new HyperLogLogAggregate<ClickEvent>(event -> event.userId, 10),
            HyperLogLogSerializer.INSTANCE, (key, window, sketch, firing) -> key + "@" + window.getStart() + "=" + Math.round(sketch.estimate()) + "#" + firing,
            LATE, LATE_RECORD, 100, false);
    try (KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, String> harness = harness(operator, HashMapStateBackend::new)) {
      harness.open();
      view(harness, 1, "p1", 1_000); // user u1
      harness.prepareSnapshotPreBarrier(1);
      operator.setCurrentKey("p1");
      HyperLogLog written =
          operator
              .getKeyedStateBackend()
              .getPartitionedState(
                  VoidNamespace.INSTANCE,
                  VoidNamespaceSerializer.INSTANCE,
                  new MapStateDescriptor<>("panes", LongSerializer.INSTANCE, HyperLogLogSerializer.INSTANCE))
              .get(0L);
      view(harness, 2, "p1", 2_000); // user u2, same pane
      assertThat(Math.round(written.estimate())).as("the written sketch").isEqualTo(1);
      harness.processWatermark(Long.MAX_VALUE);
      assertThat(harness.extractOutputValues()).containsExactly("p1@0=2#0");
      assertNothingLeft(harness);
    }
  }

  /**
   * As Flink's window operator: a restored operator has no watermark until the next one arrives, so a view within
   * the lateness of a window that fired before the snapshot is held as on time, and that window fires again with it
   * at the next watermark (ClusterUpgradeIT lost such updates before).
   */
  @Test
  void aWindowThatFiredBeforeARestoreFiresAgainWithAViewHeldSinceTheRestore() throws Exception {
    OperatorSubtaskState snapshot;
    try (KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, String> before =
        harness(latenessOperator(), HashMapStateBackend::new)) {
      before.open();
      view(before, 1, "p1", 10_000);
      before.processWatermark(MINUTE + 5_000);
      assertThat(before.extractOutputValues()).containsExactly("p1@0=1#0");
      before.prepareSnapshotPreBarrier(1); // as the task does before a snapshot (the harness does not)
      snapshot = before.snapshot(1, 1);
    }
    try (KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, String> after =
        harness(latenessOperator(), HashMapStateBackend::new)) {
      after.initializeState(snapshot);
      after.open();
      view(after, 2, "p1", 20_000);
      after.processWatermark(MINUTE + 6_000);
      assertThat(after.extractOutputValues()).containsExactly("p1@0=2#1");
      after.processWatermark(Long.MAX_VALUE);
      assertNothingLeft(after);
    }
  }

  /**
   * An on-time firing skips reading its firing number only for windows after every watermark the operator has had:
   * a run restored twice, whose second snapshot came before its watermark caught up, still continues the numbers.
   */
  @Test
  void firingNumbersContinueAfterARestoreFromASnapshotTakenBeforeTheWatermarkCaughtUp() throws Exception {
    OperatorSubtaskState first;
    try (KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, String> run =
        harness(latenessOperator(), HashMapStateBackend::new)) {
      run.open();
      view(run, 1, "p1", 10_000);
      run.processWatermark(MINUTE + 5_000);
      assertThat(run.extractOutputValues()).containsExactly("p1@0=1#0");
      run.prepareSnapshotPreBarrier(1);
      first = run.snapshot(1, 1);
    }
    OperatorSubtaskState second;
    try (KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, String> run =
        harness(latenessOperator(), HashMapStateBackend::new)) {
      run.initializeState(first);
      run.open();
      run.processWatermark(30_000);
      run.prepareSnapshotPreBarrier(2);
      second = run.snapshot(2, 2);
    }
    try (KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, String> run =
        harness(latenessOperator(), HashMapStateBackend::new)) {
      run.initializeState(second);
      run.open();
      view(run, 2, "p1", 20_000);
      view(run, 3, "p2", MINUTE + 20_000);
      run.processWatermark(2 * MINUTE);
      assertThat(run.extractOutputValues()).containsExactlyInAnyOrder("p1@0=2#1", "p2@60000=1#0");
      run.processWatermark(Long.MAX_VALUE);
      assertNothingLeft(run);
    }
  }

  private static PaneWindowOperator<String, ClickEvent, Long, String, String> latenessOperator() {
    return new PaneWindowOperator<>(
        PaneWindows.tumbling(Duration.ofMinutes(1)), Duration.ofMinutes(1), new CountAggregate<ClickEvent>(),
        LongSerializer.INSTANCE, (key, window, count, firing) -> key + "@" + window.getStart() + "=" + count + "#" + firing,
        LATE, LATE_RECORD, 100, false);
  }

  @Test
  void theSizeBoundWritesAndDropsEverything() throws Exception {
    PaneWindowOperator<String, ClickEvent, Long, String, String> operator = countOperator(PaneWindows.tumbling(Duration.ofMinutes(1)), 4);
    try (KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, String> harness = harness(operator, HashMapStateBackend::new)) {
      harness.open();
      view(harness, 1, "p1", 1);
      view(harness, 2, "p2", 1);
      assertThat(operator.residentEntries()).as("a pane and a timer per key").isEqualTo(4);
      view(harness, 3, "p3", 1);
      assertThat(operator.residentEntries()).isZero();
      assertThat(harness.numKeyedStateEntries()).as("three panes written").isEqualTo(3);
      assertThat(harness.numEventTimeTimers()).as("their timers moved to the timer service").isEqualTo(3);
      harness.processWatermark(Long.MAX_VALUE);
      assertThat(harness.extractOutputValues()).containsExactlyInAnyOrder("p1@0=1#0", "p2@0=1#0", "p3@0=1#0");
      assertNothingLeft(harness);
    }
  }

  private static PaneWindowOperator<String, ClickEvent, Long, String, String> countOperator(PaneWindows windows, int maxHeldPanes) {
    return new PaneWindowOperator<>(
        windows, Duration.ZERO, new CountAggregate<ClickEvent>(), LongSerializer.INSTANCE,
        (key, window, count, firing) -> key + "@" + window.getStart() + "=" + count + "#" + firing,
        LATE, LATE_RECORD, maxHeldPanes, false);
  }

  private static <ACC> KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, String> harness(
      PaneWindowOperator<String, ClickEvent, ACC, String, String> operator, Supplier<StateBackend> backend)
      throws Exception {
    KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, String> harness =
        new KeyedOneInputStreamOperatorTestHarness<>(operator, event -> event.pageId, Types.STRING);
    harness.setStateBackend(backend.get());
    return harness;
  }

  private static void view(KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, String> harness, long id, String page, long time)
      throws Exception {
    harness.processElement(new StreamRecord<>(new ClickEvent(id, "u" + id % 700, page, EventKind.VIEW, null, time), time));
  }

  /** No pane, firing number or timer left; by the state names, since RocksDB's harness does not count entries. */
  private static void assertNothingLeft(KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, String> harness) throws Exception {
    for (String state : List.of("panes", "firings")) {
      assertThat(KeyedStateKeys.count(harness, state)).as("keys and namespaces of %s", state).isZero();
    }
    assertThat(harness.numEventTimeTimers()).as("event-time timers").isZero();
  }

  /** Feeds the operator and the reference the same stream, restoring the operator from a snapshot now and then. */
  private static final class Run<ACC> {
    final PaneWindows windows;
    final Duration lateness;
    final AggregateFunction<ClickEvent, ACC, ?> aggregate;
    final TypeSerializer<ACC> serializer;
    final java.util.function.Function<ACC, String> show;
    final int maxHeldPanes;
    final Supplier<StateBackend> backend;
    final List<String> results = new ArrayList<>();
    final List<String> late = new ArrayList<>();

    Run(PaneWindows windows, Duration lateness, AggregateFunction<ClickEvent, ACC, ?> aggregate, TypeSerializer<ACC> serializer,
        java.util.function.Function<ACC, String> show, int maxHeldPanes, Supplier<StateBackend> backend) {
      this.windows = windows;
      this.lateness = lateness;
      this.aggregate = aggregate;
      this.serializer = serializer;
      this.show = show;
      this.maxHeldPanes = maxHeldPanes;
      this.backend = backend;
    }

    KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, String> open(OperatorSubtaskState restored) throws Exception {
      java.util.function.Function<ACC, String> format = show;
      PaneWindowOperator<String, ClickEvent, ACC, String, String> operator =
          new PaneWindowOperator<>(
              windows, lateness, aggregate, serializer,
              (key, window, acc, firing) -> key + "@" + window.getStart() + "=" + format.apply(acc) + "#" + firing,
              LATE, LATE_RECORD, maxHeldPanes, false);
      KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, String> harness = harness(operator, backend);
      if (restored != null) {
        harness.initializeState(restored);
      }
      harness.open();
      return harness;
    }

    void collect(KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, String> harness) {
      results.addAll(harness.extractOutputValues());
      if (harness.getSideOutput(LATE) != null) {
        harness.getSideOutput(LATE).forEach(record -> late.add(record.getValue()));
      }
    }

    /**
     * {@code events} views of 5 pages, 1 in 10 up to 8 minutes behind; watermarks 2 s behind, every second or so, and
     * 1 in 8 after a pause of 6 minutes (an idle input), which fires and purges several windows at once.
     */
    void feed(Random random, int events, int restoreEvery) throws Exception {
      Reference<ACC> reference = new Reference<>(windows, lateness.toMillis(), aggregate, show);
      KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, String> harness = open(null);
      long maxTime = 1_704_067_200_000L;
      long watermark = Long.MIN_VALUE;
      Random pauses = new Random(7);
      long watermarkGap = 1_000;
      for (long id = 0; id < events; id++) {
        maxTime += random.nextInt(1_000);
        long time = maxTime - (random.nextInt(10) == 0 ? random.nextInt(8 * (int) MINUTE) : random.nextInt(2_000));
        ClickEvent view = new ClickEvent(id, "u" + random.nextInt(2_000), "p" + random.nextInt(5), EventKind.VIEW, null, time);
        harness.processElement(new StreamRecord<>(view, time));
        reference.element(view, time);
        if (maxTime - 2_001 >= watermark + watermarkGap) {
          watermark = maxTime - 2_001;
          harness.processWatermark(watermark);
          reference.watermark(watermark);
          watermarkGap = pauses.nextInt(8) == 0 ? 6 * MINUTE : 1_000;
        }
        if (id % restoreEvery == restoreEvery / 2) {
          harness.prepareSnapshotPreBarrier(id); // a checkpoint that is not restored: written entries stay resident
          harness.snapshot(id, id);
        }
        if (id % restoreEvery == restoreEvery - 1) {
          harness.prepareSnapshotPreBarrier(id); // as the task does before a snapshot (the harness does not)
          OperatorSubtaskState snapshot = harness.snapshot(id, id);
          collect(harness);
          harness.close();
          harness = open(snapshot);
          harness.processWatermark(watermark); // a restored operator starts without a watermark; the source resends it
        }
      }
      harness.processWatermark(Long.MAX_VALUE);
      reference.watermark(Long.MAX_VALUE);
      collect(harness);
      assertThat(results).containsExactlyInAnyOrderElementsOf(reference.results);
      assertThat(late).containsExactlyInAnyOrderElementsOf(reference.late);
      assertNothingLeft(harness);
      harness.close();
    }
  }

  /** One accumulator per (key, window) fed every element, and Flink's window-operator rules, element by element. */
  private static final class Reference<ACC> {
    final PaneWindows windows;
    final long lateness;
    final AggregateFunction<ClickEvent, ACC, ?> aggregate;
    final java.util.function.Function<ACC, String> show;
    final Map<String, TreeMap<Long, ACC>> contents = new TreeMap<>();
    final Map<String, Integer> firings = new HashMap<>();
    final List<String> results = new ArrayList<>();
    final List<String> late = new ArrayList<>();
    long watermark = Long.MIN_VALUE;

    Reference(PaneWindows windows, long lateness, AggregateFunction<ClickEvent, ACC, ?> aggregate, java.util.function.Function<ACC, String> show) {
      this.windows = windows;
      this.lateness = lateness;
      this.aggregate = aggregate;
      this.show = show;
    }

    void element(ClickEvent view, long time) {
      for (long start = windows.lastWindowStart(time); start > time - windows.size(); start -= windows.slide()) {
        long maxTimestamp = start + windows.size() - 1;
        if (maxTimestamp + lateness <= watermark) {
          late.add(view.eventId + "@" + start);
          continue;
        }
        TreeMap<Long, ACC> byWindow = contents.computeIfAbsent(view.pageId, page -> new TreeMap<>());
        ACC acc = byWindow.containsKey(start) ? byWindow.get(start) : aggregate.createAccumulator();
        byWindow.put(start, aggregate.add(view, acc));
        if (maxTimestamp <= watermark) {
          emit(view.pageId, start);
        }
      }
    }

    void watermark(long next) {
      for (Map.Entry<String, TreeMap<Long, ACC>> page : contents.entrySet()) {
        for (long start : new ArrayList<>(page.getValue().keySet())) {
          long maxTimestamp = start + windows.size() - 1;
          if (maxTimestamp > watermark && maxTimestamp <= next) {
            emit(page.getKey(), start);
          }
          if (maxTimestamp + lateness <= next) {
            page.getValue().remove(start);
            firings.remove(page.getKey() + "@" + start);
          }
        }
      }
      watermark = next;
    }

    private void emit(String page, long start) {
      String window = page + "@" + start;
      int firing = firings.getOrDefault(window, 0);
      firings.put(window, firing + 1);
      results.add(window + "=" + show.apply(contents.get(page).get(start)) + "#" + firing);
    }
  }
}
