package io.streamsketch.flink.window;

import io.streamsketch.flink.aggregate.RandomizedAggregate;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.api.common.state.AggregatingStateDescriptor;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.base.IntSerializer;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.runtime.state.internal.InternalAggregatingState;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;

/**
 * A keyed event-time window aggregation over shared panes (slices) with in-memory combining, as Flink SQL's window
 * operators do it, for any {@link AggregateFunction} whose accumulators merge exactly (counts add; HyperLogLog and
 * Count-Min merge). Each element updates one pane of its key, {@link PaneWindows#pane()} long, in a heap map; keyed
 * state holds one accumulator per (key, pane), written once per (key, pane) and flush; a window's result is the merge
 * of its panes. A sliding window of 10 min every minute therefore costs each element one in-memory update, where
 * Flink's window operator does ten read-modify-writes of keyed state.
 *
 * <h2>Flush rules (held pane partials into keyed state)</h2>
 *
 * <ol>
 *   <li>On a watermark W, before its timers fire: the panes with {@code maxTimestamp ≤ W}, every pane of the windows
 *       W fires. Later panes keep accumulating.
 *   <li>Before a checkpoint barrier ({@link #prepareSnapshotPreBarrier}): all, so nothing in memory is lost on a
 *       restore (the operator has no state besides keyed state).
 *   <li>At the end of the input: all.
 *   <li>When more than {@code maxHeldPanes} (key, pane) partials are held: all.
 * </ol>
 *
 * An element whose pane is already behind the watermark goes to keyed state at once: it may fire a window.
 *
 * <h2>Semantics: those of Flink's window operator with an event-time trigger</h2>
 *
 * A window fires at the watermark that passes its end (firing 0), and once more for each element within the allowed
 * lateness that arrives after that (firings 1, 2, ...); it is purged at {@code maxTimestamp + allowedLateness}. An
 * (element, window) pair past that is not counted and goes to {@code lateOutput}, one record per pair, so that for
 * every window the standing result plus its late records is every element. Results carry the timestamp {@code
 * window.maxTimestamp()}.
 *
 * <h2>State</h2>
 *
 * Keyed state "panes" (pane start → accumulator), per-window state "firings" (the next firing number) and event-time
 * timers "window-timers" (a window's end and its cleanup time), the last two named and namespaced as in Flink's
 * window operator. With {@code readsWindowOperatorContents}, a window's result also merges Flink's window-operator
 * contents "window-contents" of that window, which a savepoint of a window operator with the same uid and the same
 * aggregate holds: such a savepoint restores into this operator and its windows fire with their counts and firing
 * numbers continued. Those contents are read and cleared only when the restored state has any: on RocksDB a read
 * of an absent key was the largest cost of a window's firing.
 *
 * <p>Union operator state "fired-up-to" holds the highest watermark the operator has had, over all its subtasks and
 * runs. A window's on-time firing is its first unless the window ends at or before that watermark (a restored
 * operator may fire such a window again, see {@link #writePane}), so only those read their firing number; the others
 * write firing 1 without reading. State without it (release 0.1.0) reads every firing number.
 */
public final class PaneWindowOperator<K, IN, ACC, OUT, L> extends AbstractStreamOperator<OUT>
    implements OneInputStreamOperator<IN, OUT>, Triggerable<K, TimeWindow>, BoundedOneInput {
  private static final long serialVersionUID = 1L;

  private final PaneWindows windows;
  private final long allowedLateness;
  private final AggregateFunction<IN, ACC, ?> aggregate;
  private final TypeSerializer<ACC> accumulatorSerializer;
  private final WindowResult<K, ACC, OUT> result;
  private final OutputTag<L> lateOutput;
  private final LateWindowRecord<IN, L> lateRecord;
  private final int maxHeldPanes;
  private final boolean readsWindowOperatorContents;

  /** Pane start → key → the partial accumulated since the pane's last flush. */
  private transient NavigableMap<Long, Map<K, ACC>> held;
  private transient int heldPanes;
  private transient InternalTimerService<TimeWindow> timers;
  private transient MapState<Long, ACC> panes;
  private transient ValueStateDescriptor<Integer> firingsDescriptor;
  private transient AggregatingStateDescriptor<IN, ACC, ?> windowContentsDescriptor;
  private transient TimeWindow.Serializer windowSerializer;
  /** Whether restored keyed state holds window-operator contents to read and clear. */
  private transient boolean hasWindowOperatorContents;
  private transient ListState<Long> firedUpToState;
  /** The highest watermark of earlier runs (restored), Long.MAX_VALUE when unknown: windows up to it may have fired. */
  private transient long firedUpTo;

  /**
   * @param accumulatorSerializer the accumulators' serializer, explicit so that state never falls back to Kryo
   * @param maxHeldPanes the most (key, pane) partials held in memory before all are flushed, at least 1
   * @param readsWindowOperatorContents whether windows also merge a restored window operator's "window-contents"
   */
  public PaneWindowOperator(
      PaneWindows windows,
      Duration allowedLateness,
      AggregateFunction<IN, ACC, ?> aggregate,
      TypeSerializer<ACC> accumulatorSerializer,
      WindowResult<K, ACC, OUT> result,
      OutputTag<L> lateOutput,
      LateWindowRecord<IN, L> lateRecord,
      int maxHeldPanes,
      boolean readsWindowOperatorContents) {
    if (allowedLateness.isNegative()) {
      throw new IllegalArgumentException("allowed lateness must not be negative: " + allowedLateness);
    }
    if (maxHeldPanes < 1) {
      throw new IllegalArgumentException("maxHeldPanes must be at least 1: " + maxHeldPanes);
    }
    if (aggregate instanceof RandomizedAggregate<?>) {
      // Its accumulators need scoped seeds per pane and flush, which this operator does not give them.
      throw new IllegalArgumentException("randomized aggregates are not supported by pane windows: " + aggregate);
    }
    this.windows = Objects.requireNonNull(windows, "windows");
    this.allowedLateness = allowedLateness.toMillis();
    this.aggregate = Objects.requireNonNull(aggregate, "aggregate");
    this.accumulatorSerializer = Objects.requireNonNull(accumulatorSerializer, "accumulatorSerializer");
    this.result = Objects.requireNonNull(result, "result");
    this.lateOutput = Objects.requireNonNull(lateOutput, "lateOutput");
    this.lateRecord = Objects.requireNonNull(lateRecord, "lateRecord");
    this.maxHeldPanes = maxHeldPanes;
    this.readsWindowOperatorContents = readsWindowOperatorContents;
  }

  @Override
  public void initializeState(StateInitializationContext context) throws Exception {
    super.initializeState(context);
    firedUpToState =
        context
            .getOperatorStateStore()
            .getUnionListState(new ListStateDescriptor<>("fired-up-to", LongSerializer.INSTANCE));
    firedUpTo = Long.MIN_VALUE;
    if (context.isRestored()) {
      boolean recorded = false;
      for (Long watermark : firedUpToState.get()) {
        firedUpTo = Math.max(firedUpTo, watermark);
        recorded = true;
      }
      if (!recorded) {
        firedUpTo = Long.MAX_VALUE;
      }
    }
    hasWindowOperatorContents = false;
    if (readsWindowOperatorContents && context.isRestored()) {
      try (Stream<?> contents = getKeyedStateBackend().getKeysAndNamespaces("window-contents")) {
        hasWindowOperatorContents = contents.findAny().isPresent();
      }
    }
  }

  @Override
  public void snapshotState(StateSnapshotContext context) throws Exception {
    super.snapshotState(context);
    firedUpToState.update(List.of(Math.max(firedUpTo, timers.currentWatermark())));
  }

  @Override
  public void open() throws Exception {
    super.open();
    held = new TreeMap<>();
    heldPanes = 0;
    windowSerializer = new TimeWindow.Serializer();
    timers = getInternalTimerService("window-timers", windowSerializer, this);
    panes =
        getPartitionedState(
            VoidNamespace.INSTANCE,
            VoidNamespaceSerializer.INSTANCE,
            new MapStateDescriptor<>("panes", LongSerializer.INSTANCE, accumulatorSerializer.duplicate()));
    firingsDescriptor = new ValueStateDescriptor<>("firings", IntSerializer.INSTANCE);
    if (hasWindowOperatorContents) {
      windowContentsDescriptor =
          new AggregatingStateDescriptor<>("window-contents", aggregate, accumulatorSerializer.duplicate());
    }
  }

  @Override
  public void processElement(StreamRecord<IN> element) throws Exception {
    if (!element.hasTimestamp()) {
      throw new IllegalStateException("an element has no timestamp: assign timestamps and watermarks first");
    }
    IN value = element.getValue();
    long timestamp = element.getTimestamp();
    long watermark = timers.currentWatermark();
    long paneStart = windows.paneStart(timestamp);
    if (paneStart + windows.pane() - 1 > watermark) {
      // Every window of the pane ends after the watermark: on time, nothing to fire yet.
      hold(paneStart, value);
      return;
    }
    TimeWindow[] elementWindows = windows.windowsOf(timestamp);
    boolean counted = false;
    for (TimeWindow window : elementWindows) {
      if (cleanupTime(window) <= watermark) {
        output.collect(lateOutput, new StreamRecord<>(lateRecord.of(value, window), timestamp));
      } else {
        counted = true;
      }
    }
    if (!counted) {
      return;
    }
    writePane(paneStart, aggregate.add(value, aggregate.createAccumulator()), watermark);
    for (TimeWindow window : elementWindows) {
      if (window.maxTimestamp() <= watermark && cleanupTime(window) > watermark) {
        fire(window, false); // a late update within the allowed lateness
      }
    }
  }

  private void hold(long paneStart, IN value) throws Exception {
    @SuppressWarnings("unchecked")
    K key = (K) getCurrentKey();
    Map<K, ACC> partials = held.computeIfAbsent(paneStart, start -> new HashMap<>());
    ACC partial = partials.get(key);
    if (partial == null) {
      partial = aggregate.createAccumulator();
      heldPanes++;
    }
    partials.put(key, aggregate.add(value, partial));
    if (heldPanes > maxHeldPanes) {
      flush(held);
    }
  }

  /** Flush rule 1, then the watermark's timers (firings and purges), then the watermark. */
  @Override
  public void processWatermark(Watermark mark) throws Exception {
    long watermark = mark.getTimestamp();
    if (watermark == Long.MAX_VALUE) {
      flush(held);
    } else if (watermark - windows.pane() + 1 <= watermark) { // no underflow near Long.MIN_VALUE
      flush(held.headMap(watermark - windows.pane() + 1, true));
    }
    super.processWatermark(mark);
  }

  /** Flush rule 2. */
  @Override
  public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
    flush(held);
    super.prepareSnapshotPreBarrier(checkpointId);
  }

  /** Flush rule 3. */
  @Override
  public void endInput() throws Exception {
    flush(held);
  }

  /** How many (key, pane) partials are held in memory now; for tests. */
  int heldPanes() {
    return heldPanes;
  }

  private void flush(Map<Long, Map<K, ACC>> panesToFlush) throws Exception {
    long watermark = timers.currentWatermark();
    Iterator<Map.Entry<Long, Map<K, ACC>>> it = panesToFlush.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<Long, Map<K, ACC>> pane = it.next();
      for (Map.Entry<K, ACC> partial : pane.getValue().entrySet()) {
        setCurrentKey(partial.getKey());
        writePane(pane.getKey(), partial.getValue(), watermark);
      }
      heldPanes -= pane.getValue().size();
      it.remove();
    }
  }

  /**
   * Merges a partial into the current key's pane and registers its live windows' timers, as Flink's window operator
   * does per element. Mostly they exist already; but a restored operator starts without a watermark, so a partial
   * held since the restore may belong to a window that fired before it, and that window fires again with it.
   */
  private void writePane(long paneStart, ACC partial, long watermark) throws Exception {
    ACC stored = panes.get(paneStart);
    panes.put(paneStart, stored == null ? partial : aggregate.merge(stored, partial));
    for (TimeWindow window : windows.windowsOf(paneStart)) {
      long cleanup = cleanupTime(window);
      if (cleanup <= watermark) {
        continue;
      }
      if (window.maxTimestamp() > watermark) {
        timers.registerEventTimeTimer(window, window.maxTimestamp());
      }
      if (cleanup != Long.MAX_VALUE) {
        timers.registerEventTimeTimer(window, cleanup);
      }
    }
  }

  @Override
  public void onEventTime(InternalTimer<K, TimeWindow> timer) throws Exception {
    TimeWindow window = timer.getNamespace();
    if (timer.getTimestamp() == window.maxTimestamp()) {
      fire(window, true);
    }
    if (timer.getTimestamp() == cleanupTime(window)) {
      purge(window);
    }
  }

  @Override
  public void onProcessingTime(InternalTimer<K, TimeWindow> timer) {
    throw new IllegalStateException("pane windows register no processing-time timers: " + timer);
  }

  /**
   * Emits the current key's window, merged from its panes, with its next firing number; nothing if it is empty.
   *
   * @param onTime whether the watermark fires it (its end timer) rather than a late element
   */
  private void fire(TimeWindow window, boolean onTime) throws Exception {
    ACC merged = null;
    for (long paneStart = window.getStart(); paneStart < window.getEnd(); paneStart += windows.pane()) {
      ACC pane = panes.get(paneStart);
      if (pane != null) {
        merged = aggregate.merge(merged == null ? aggregate.createAccumulator() : merged, pane);
      }
    }
    if (hasWindowOperatorContents) {
      ACC contents = windowContents(window).getInternal();
      if (contents != null) {
        merged = aggregate.merge(merged == null ? aggregate.createAccumulator() : merged, contents);
      }
    }
    if (merged == null) {
      return;
    }
    ValueState<Integer> firings = getPartitionedState(window, windowSerializer, firingsDescriptor);
    int firing = 0;
    if (!onTime || window.maxTimestamp() <= firedUpTo) {
      Integer next = firings.value();
      firing = next == null ? 0 : next;
    }
    firings.update(firing + 1);
    @SuppressWarnings("unchecked")
    K key = (K) getCurrentKey();
    output.collect(new StreamRecord<>(result.result(key, window, merged, firing), window.maxTimestamp()));
  }

  /** Clears the window's firing number, and the panes whose last window it is (the next window starts after them). */
  private void purge(TimeWindow window) throws Exception {
    getPartitionedState(window, windowSerializer, firingsDescriptor).clear();
    if (hasWindowOperatorContents) {
      windowContents(window).clear();
    }
    long lastPanesEnd = Math.min(window.getStart() + windows.slide(), window.getEnd());
    for (long paneStart = window.getStart(); paneStart < lastPanesEnd; paneStart += windows.pane()) {
      panes.remove(paneStart);
    }
  }

  /** The window operator's state, read as its accumulator (as the window operator itself reads it). */
  @SuppressWarnings("unchecked")
  private InternalAggregatingState<K, TimeWindow, IN, ACC, ?> windowContents(TimeWindow window) throws Exception {
    return (InternalAggregatingState<K, TimeWindow, IN, ACC, ?>)
        getPartitionedState(window, windowSerializer, windowContentsDescriptor);
  }

  /** As Flink's window operator: the end of the allowed lateness, capped at {@code Long.MAX_VALUE}. */
  private long cleanupTime(TimeWindow window) {
    long cleanup = window.maxTimestamp() + allowedLateness;
    return cleanup >= window.maxTimestamp() ? cleanup : Long.MAX_VALUE;
  }
}
