package io.streamsketch.flink.window;

import io.streamsketch.flink.aggregate.RandomizedAggregate;
import io.streamsketch.flink.io.CoalescingWatermarkOutput;
import java.time.Duration;
import java.util.HashMap;
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
import org.apache.flink.streaming.api.graph.StreamConfig;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.Output;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.tasks.StreamTask;
import org.apache.flink.util.OutputTag;

/**
 * A keyed event-time window aggregation over shared panes (slices) with in-memory combining, as Flink SQL's window
 * operators do it, for any {@link AggregateFunction} whose accumulators merge exactly (counts add; HyperLogLog and
 * Count-Min merge). Each element updates one pane of its key, {@link PaneWindows#pane()} long, in memory; a window's
 * result is the merge of its panes. A sliding window of 10 min every minute therefore costs each element one
 * in-memory update, where Flink's window operator does ten read-modify-writes of keyed state.
 *
 * <h2>Write-back: keyed state and timers are written before a checkpoint barrier, not per element or firing</h2>
 *
 * The (key, pane) accumulators, the windows' firing numbers and their timers (end and cleanup) stay in memory from
 * a window's first element until its cleanup purges them, and keyed state and Flink's timer service are written only:
 *
 * <ol>
 *   <li>before a checkpoint barrier ({@link #prepareSnapshotPreBarrier}): every entry changed since it was last
 *       written, and every timer, so every snapshot has every element and timer (they stay in memory, now written;
 *       a timer in both fires from memory and deletes its copy in the service);
 *   <li>at the end of the input: the entries;
 *   <li>when more than {@code maxHeldPanes} entries and timers are held: everything, and then all are dropped from
 *       memory.
 * </ol>
 *
 * Windows fire and purge from memory. Keyed state is read only for what memory may lack: a pane or firing number
 * restored from a snapshot, or dropped by the size bound. Union operator state "panes-stored-up-to" (the latest pane
 * start ever written to keyed state, over all subtasks and runs) and "fired-up-to" (the highest watermark, so the
 * latest window end that can have a firing number) bound those after a restore; the size bound raises them to what
 * it drops. A pane or window beyond them is known to have nothing in keyed state, and an entry created for it is
 * whole; one within them starts as the part since the restore or drop, and a read of keyed state completes it when
 * its window fires. Timers of windows starting within "panes-stored-up-to" (every timer a snapshot has) go to the
 * timer service, the others to memory, so that no timer is in both unless memory knows it. State without these
 * bounds (release 0.1.0, or a snapshot taken before a bound existed) reads all and uses the timer service only.
 *
 * <h2>Semantics: those of Flink's window operator with an event-time trigger</h2>
 *
 * A window fires at the watermark that passes its end (firing 0), and once more for each element within the allowed
 * lateness that arrives after that (firings 1, 2, ...); it is purged at {@code maxTimestamp + allowedLateness}. An
 * (element, window) pair past that is not counted and goes to {@code lateOutput}, one record per pair, so that for
 * every window the standing result plus its late records is every element. Results carry the timestamp {@code
 * window.maxTimestamp()}. The output holds each watermark until something follows it ({@link
 * CoalescingWatermarkOutput}): results are few, and downstream need not take every watermark of the input.
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

  /** (pane start, key) → the pane's accumulator, or its part since a restore or drop. */
  private transient ResidentEntries<K, Long, ACC> residentPanes;
  /** (window, key) → the window's next firing number. */
  private transient ResidentEntries<K, TimeWindow, Integer> residentFirings;
  private transient InternalTimerService<TimeWindow> timers;
  private transient MapState<Long, ACC> panes;
  private transient ValueStateDescriptor<Integer> firingsDescriptor;
  private transient AggregatingStateDescriptor<IN, ACC, ?> windowContentsDescriptor;
  private transient TimeWindow.Serializer windowSerializer;
  /** Whether restored keyed state holds window-operator contents to read and clear. */
  private transient boolean hasWindowOperatorContents;
  private transient ListState<Long> firedUpToState;
  private transient ListState<Long> panesStoredUpToState;
  /** The highest watermark of earlier runs (restored), Long.MAX_VALUE when unknown. */
  private transient long firedUpTo;
  /** The latest pane start ever written to keyed state, in this run or (restored) an earlier one. */
  private transient long panesStoredUpTo;
  /** Panes starting at or before this may be in keyed state without being resident (restored or dropped). */
  private transient long panesUnknownUpTo;
  /** Windows ending at or before this may have a firing number in keyed state without a resident one. */
  private transient long firingsUnknownUpTo;
  /** Timers of windows starting after {@link #timersInServiceUpTo}: time → (key, window) → whether also in the service. */
  private transient NavigableMap<Long, Map<KeyedWindow<K>, Boolean>> residentTimers;
  private transient int residentTimerCount;
  /** Windows starting at or before this have their timers in Flink's timer service, the others in memory. */
  private transient long timersInServiceUpTo;
  /** The output, holding each watermark until something follows it. */
  private transient CoalescingWatermarkOutput<OUT> coalescing;

  private record KeyedWindow<K>(K key, TimeWindow window) {}

  /**
   * @param accumulatorSerializer the accumulators' serializer, explicit so that state never falls back to Kryo
   * @param maxHeldPanes the most (key, pane) accumulators, (key, window) firing numbers and timers held in memory
   *     before all are written to keyed state and the timer service and dropped, at least 1
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
  protected void setup(StreamTask<?, ?> containingTask, StreamConfig config, Output<StreamRecord<OUT>> output) {
    coalescing = new CoalescingWatermarkOutput<>(output, this::getProcessingTimeService);
    super.setup(containingTask, config, coalescing);
  }

  @Override
  public void initializeState(StateInitializationContext context) throws Exception {
    super.initializeState(context);
    firedUpToState = unionState(context, "fired-up-to");
    panesStoredUpToState = unionState(context, "panes-stored-up-to");
    firedUpTo = restoredBound(context, firedUpToState);
    panesStoredUpTo = restoredBound(context, panesStoredUpToState);
    firingsUnknownUpTo = firedUpTo;
    panesUnknownUpTo = panesStoredUpTo;
    timersInServiceUpTo = panesStoredUpTo; // a snapshot's timers are of windows with a pane written by then
    hasWindowOperatorContents = false;
    if (readsWindowOperatorContents && context.isRestored()) {
      try (Stream<?> contents = getKeyedStateBackend().getKeysAndNamespaces("window-contents")) {
        hasWindowOperatorContents = contents.findAny().isPresent();
      }
    }
  }

  private static ListState<Long> unionState(StateInitializationContext context, String name) throws Exception {
    return context.getOperatorStateStore().getUnionListState(new ListStateDescriptor<>(name, LongSerializer.INSTANCE));
  }

  /** The largest value over all subtasks of the run restored; Long.MIN_VALUE when new, MAX_VALUE when not recorded. */
  private static long restoredBound(StateInitializationContext context, ListState<Long> state) throws Exception {
    if (!context.isRestored()) {
      return Long.MIN_VALUE;
    }
    long bound = Long.MIN_VALUE;
    boolean recorded = false;
    for (Long value : state.get()) {
      bound = Math.max(bound, value);
      recorded = true;
    }
    return recorded ? bound : Long.MAX_VALUE;
  }

  @Override
  public void snapshotState(StateSnapshotContext context) throws Exception {
    super.snapshotState(context);
    firedUpToState.update(List.of(Math.max(firedUpTo, timers.currentWatermark())));
    panesStoredUpToState.update(List.of(panesStoredUpTo));
  }

  @Override
  public void open() throws Exception {
    super.open();
    residentPanes = new ResidentEntries<>();
    residentFirings = new ResidentEntries<>();
    residentTimers = new TreeMap<>();
    residentTimerCount = 0;
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
      addToPane(paneStart, value, watermark);
      dropAllIfOverBound();
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
    addToPane(paneStart, value, watermark);
    for (TimeWindow window : elementWindows) {
      if (window.maxTimestamp() <= watermark && cleanupTime(window) > watermark) {
        fire(window); // a late update within the allowed lateness
      }
    }
    dropAllIfOverBound();
  }

  /**
   * Adds an element to the current key's resident pane. A new entry registers its live windows' timers, as Flink's
   * window operator does per element; a restored operator starts without a watermark, so an element since the
   * restore may belong to a window that fired before it, and that window fires again with it.
   */
  private void addToPane(long paneStart, IN value, long watermark) throws Exception {
    K key = currentKey();
    ResidentEntries.Entry<ACC> pane = residentPanes.get(paneStart, key);
    if (pane == null) {
      pane = residentPanes.create(paneStart, key, aggregate.createAccumulator(), paneStart > panesUnknownUpTo);
      for (TimeWindow window : windows.windowsOf(paneStart)) {
        long cleanup = cleanupTime(window);
        if (cleanup <= watermark) {
          continue;
        }
        if (window.maxTimestamp() > watermark) {
          registerTimer(key, window, window.maxTimestamp());
        }
        if (cleanup != Long.MAX_VALUE) {
          registerTimer(key, window, cleanup);
        }
      }
    }
    if (pane.shared) {
      pane.value = accumulatorSerializer.copy(pane.value);
      pane.shared = false;
    }
    pane.value = aggregate.add(value, pane.value);
    pane.dirty = true;
  }

  private void registerTimer(K key, TimeWindow window, long time) {
    if (window.getStart() <= timersInServiceUpTo) {
      timers.registerEventTimeTimer(window, time);
    } else if (residentTimers.computeIfAbsent(time, t -> new HashMap<>()).putIfAbsent(new KeyedWindow<>(key, window), false) == null) {
      residentTimerCount++;
    }
  }

  /**
   * The resident timers and the timer service's up to the watermark, in time order as one timer service fires them
   * (a window's firing may need a pane that a later window's purge removes); then (super) the watermark.
   */
  @Override
  public void processWatermark(Watermark mark) throws Exception {
    Map.Entry<Long, Map<KeyedWindow<K>, Boolean>> due;
    while ((due = residentTimers.firstEntry()) != null && due.getKey() <= mark.getTimestamp()) {
      // Resident timers are later than the watermark, so the service's before them are due first.
      timeServiceManager.advanceWatermark(new Watermark(due.getKey() - 1));
      residentTimers.pollFirstEntry();
      residentTimerCount -= due.getValue().size();
      for (Map.Entry<KeyedWindow<K>, Boolean> timer : due.getValue().entrySet()) {
        setCurrentKey(timer.getKey().key());
        if (timer.getValue()) {
          timers.deleteEventTimeTimer(timer.getKey().window(), due.getKey());
        }
        onTimer(timer.getKey().window(), due.getKey());
      }
    }
    super.processWatermark(mark);
  }

  /**
   * Write-back rule 1, and the resident timers also into the timer service, so that a restore has them; the
   * resident copy still fires them and deletes the service's. Before the barrier, since Flink may snapshot timers
   * before {@link #snapshotState}.
   */
  @Override
  public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
    writeResident();
    for (Map.Entry<Long, Map<KeyedWindow<K>, Boolean>> at : residentTimers.entrySet()) {
      for (Map.Entry<KeyedWindow<K>, Boolean> timer : at.getValue().entrySet()) {
        if (!timer.getValue()) {
          setCurrentKey(timer.getKey().key());
          timers.registerEventTimeTimer(timer.getKey().window(), at.getKey());
          timer.setValue(true);
        }
      }
    }
    coalescing.release();
    super.prepareSnapshotPreBarrier(checkpointId);
  }

  /** Write-back rule 2. */
  @Override
  public void endInput() throws Exception {
    writeResident();
  }

  /** Write-back rule 3: past the bound, everything is written and dropped from memory. */
  private void dropAllIfOverBound() throws Exception {
    if (residentEntries() <= maxHeldPanes) {
      return;
    }
    writeResident();
    for (Map.Entry<Long, Map<KeyedWindow<K>, Boolean>> at : residentTimers.entrySet()) {
      for (Map.Entry<KeyedWindow<K>, Boolean> timer : at.getValue().entrySet()) {
        TimeWindow window = timer.getKey().window();
        if (!timer.getValue()) {
          setCurrentKey(timer.getKey().key());
          timers.registerEventTimeTimer(window, at.getKey());
        }
        timersInServiceUpTo = Math.max(timersInServiceUpTo, window.getStart());
      }
    }
    residentTimers.clear();
    residentTimerCount = 0;
    for (long paneStart : residentPanes.namespaces()) {
      panesUnknownUpTo = Math.max(panesUnknownUpTo, paneStart);
    }
    for (TimeWindow window : residentFirings.namespaces()) {
      firingsUnknownUpTo = Math.max(firingsUnknownUpTo, window.maxTimestamp());
    }
    residentPanes.clear();
    residentFirings.clear();
  }

  /** How many (key, pane) accumulators, (key, window) firing numbers and timers are held in memory now. */
  int residentEntries() {
    return residentPanes.size() + residentFirings.size() + residentTimerCount;
  }

  /** Writes every resident entry changed since its last write to keyed state; they stay resident. */
  private void writeResident() throws Exception {
    residentPanes.writeDirty(
        (paneStart, key, pane) -> {
          setCurrentKey(key);
          if (!pane.whole) {
            ACC stored = panes.get(paneStart);
            if (stored != null) {
              pane.value = aggregate.merge(stored, pane.value);
            }
            pane.whole = true;
          }
          panes.put(paneStart, pane.value);
          pane.shared = true;
          panesStoredUpTo = Math.max(panesStoredUpTo, paneStart);
        });
    residentFirings.writeDirty(
        (window, key, firing) -> {
          setCurrentKey(key);
          firings(window).update(firing.value);
        });
  }

  @Override
  public void onEventTime(InternalTimer<K, TimeWindow> timer) throws Exception {
    onTimer(timer.getNamespace(), timer.getTimestamp());
  }

  /** A window's end fires it, its cleanup time purges it (both when they are equal). */
  private void onTimer(TimeWindow window, long time) throws Exception {
    if (time == window.maxTimestamp()) {
      fire(window);
    }
    if (time == cleanupTime(window)) {
      purge(window);
    }
  }

  @Override
  public void onProcessingTime(InternalTimer<K, TimeWindow> timer) {
    throw new IllegalStateException("pane windows register no processing-time timers: " + timer);
  }

  /** Emits the current key's window, merged from its panes, with its next firing number; nothing if it is empty. */
  private void fire(TimeWindow window) throws Exception {
    K key = currentKey();
    ACC merged = null;
    for (long paneStart = window.getStart(); paneStart < window.getEnd(); paneStart += windows.pane()) {
      ACC pane = wholePane(paneStart, key);
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
    ResidentEntries.Entry<Integer> firing = residentFirings.get(window, key);
    if (firing == null) {
      // Within a run, a window's on-time firing is its first; only a restored or dropped number is in keyed state.
      Integer stored = window.maxTimestamp() <= firingsUnknownUpTo ? firings(window).value() : null;
      firing = residentFirings.create(window, key, stored == null ? 0 : stored, true);
      firing.stored = stored != null;
    }
    int number = firing.value;
    firing.value = number + 1;
    firing.dirty = true;
    output.collect(new StreamRecord<>(result.result(key, window, merged, number), window.maxTimestamp()));
  }

  /** The current key's pane, completed from keyed state when memory may lack part of it; null if it has none. */
  private ACC wholePane(long paneStart, K key) throws Exception {
    ResidentEntries.Entry<ACC> pane = residentPanes.get(paneStart, key);
    if (pane == null) {
      return paneStart <= panesUnknownUpTo ? panes.get(paneStart) : null;
    }
    if (!pane.whole) {
      ACC stored = panes.get(paneStart);
      if (stored != null) {
        pane.value = aggregate.merge(stored, pane.value);
        pane.shared = true;
      }
      pane.whole = true;
      pane.stored = stored != null;
    }
    return pane.value;
  }

  /** Clears the window's firing number, and the panes whose last window it is (the next window starts after them). */
  private void purge(TimeWindow window) throws Exception {
    K key = currentKey();
    ResidentEntries.Entry<Integer> firing = residentFirings.remove(window, key);
    if (firing == null ? window.maxTimestamp() <= firingsUnknownUpTo : firing.stored) {
      firings(window).clear();
    }
    if (hasWindowOperatorContents) {
      windowContents(window).clear();
    }
    long lastPanesEnd = Math.min(window.getStart() + windows.slide(), window.getEnd());
    for (long paneStart = window.getStart(); paneStart < lastPanesEnd; paneStart += windows.pane()) {
      ResidentEntries.Entry<ACC> pane = residentPanes.remove(paneStart, key);
      if (pane == null ? paneStart <= panesUnknownUpTo : pane.stored) {
        panes.remove(paneStart);
      }
    }
  }

  @SuppressWarnings("unchecked")
  private K currentKey() {
    return (K) getCurrentKey();
  }

  private ValueState<Integer> firings(TimeWindow window) throws Exception {
    return getPartitionedState(window, windowSerializer, firingsDescriptor);
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
