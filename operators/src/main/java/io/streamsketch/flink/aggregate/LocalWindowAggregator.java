package io.streamsketch.flink.aggregate;

import io.streamsketch.flink.io.CoalescingWatermarkOutput;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.TreeMap;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.streaming.api.graph.StreamConfig;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.Output;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.api.windowing.assigners.WindowAssigner;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.tasks.StreamTask;
import org.apache.flink.util.OutputTag;

/**
 * The local half of a local-global window aggregation (as Flink SQL's mini-batch local-global aggregation): a
 * non-keyed operator before the {@code keyBy} that folds the events of its subtask into an in-heap map (key, window)
 * → partial accumulator, and emits each partial as a {@link WindowPartial} for {@link LocalGlobalAggregation} to
 * merge into keyed window state. The keyed state (RocksDB) then sees one read-modify-write per (key, window, flush),
 * not one per event, and a global sketch per window is merged from one partial per subtask and flush.
 *
 * <h2>Flush rules</h2>
 *
 * <ol>
 *   <li>On a watermark W, before forwarding it: the partials of every window with {@code maxTimestamp ≤ W}, the
 *       windows W fires downstream. Open windows keep accumulating.
 *   <li>Before a checkpoint barrier ({@link #prepareSnapshotPreBarrier}): all partials.
 *   <li>At the end of the input: all partials.
 *   <li>When the map holds more than {@code maxPartials} entries: all partials (bounds the heap).
 * </ol>
 *
 * <h2>Why exactly-once without state of its own</h2>
 *
 * Rule 2 empties the map before the barrier leaves this operator, and the channel to the keyed window is FIFO, so
 * every event before the barrier is in the window state that the downstream snapshot takes; events after it are
 * replayed by the source on restore. No event is in two places at a checkpoint, so none is lost or counted twice.
 *
 * <h2>Lateness</h2>
 *
 * An event is late for a window when {@code maxTimestamp + allowedLateness ≤} this operator's watermark, as in
 * Flink's window operator. An event late for all its windows goes to {@code lateEvents}. Rule 1 sends a window's
 * partials before the watermark that fires it, so a partial is never later downstream than its events were here
 * (the downstream watermark is at most this subtask's); the downstream window still routes any late partial (after an
 * idle source resumes, say) to its own late output, with its event count. The output holds each watermark until
 * something follows it ({@link CoalescingWatermarkOutput}): between flushes, the keyed window downstream takes one
 * watermark per 200 ms at most, not every watermark of the input.
 *
 * <p>Works with any window assigner whose windows are known per element (tumbling, sliding); merging (session)
 * windows need a keyed window with the mergeable aggregate functions of this package instead. With overlapping
 * (sliding) windows, an event late for some of its windows only is counted in the others and is written nowhere for
 * the late ones (Flink's rule too): only with non-overlapping windows is {@code lateEvents} every (event, window)
 * pair not counted. Keyed sliding windows account for every pair with {@code flink.window.PaneWindowOperator}, or
 * with {@code flink.window.LateWindowRouter} before a keyed window.
 *
 * <h2>All-keys partials</h2>
 *
 * With an {@code allKeysLabel}, each flush also emits, per window, one partial flagged {@link WindowPartial#allKeys}
 * that merges the partials of every key it flushes for that window. A global aggregate per window (every page's users)
 * then merges one partial per subtask and flush, where merging the per-key partials would make its one keyed subtask
 * read, merge and write its window state once per key.
 *
 * <p>A {@link RandomizedAggregate}'s accumulators are created with their key, this subtask's index and attempt
 * number, the number of flushes so far and the window start, so accumulators of different keys, on different
 * subtasks, of different flushes of a window, or of a restarted attempt never make the same random draws.
 */
public final class LocalWindowAggregator<IN, ACC> extends AbstractStreamOperator<WindowPartial<ACC>>
    implements OneInputStreamOperator<IN, WindowPartial<ACC>>, BoundedOneInput {
  private static final long serialVersionUID = 1L;

  private static final Comparator<TimeWindow> BY_END =
      Comparator.comparingLong(TimeWindow::maxTimestamp).thenComparingLong(TimeWindow::getStart);

  private final KeySelector<IN, String> key;
  private final WindowAssigner<Object, TimeWindow> windows;
  private final long allowedLateness;
  private final AggregateFunction<IN, ACC, ?> aggregate;
  private final int maxPartials;
  private final OutputTag<IN> lateEvents;
  /** The key of the all-keys partials, or null for none. */
  private final String allKeysLabel;

  private transient NavigableMap<TimeWindow, Map<String, WindowPartial<ACC>>> partials;
  private transient int size;
  private transient long currentWatermark;
  private transient WindowAssigner.WindowAssignerContext assignerContext;
  /** How many times {@link #flush} ran: a randomized accumulator's scope. */
  private transient long flushes;
  /** The output, holding each watermark until something follows it. */
  private transient CoalescingWatermarkOutput<WindowPartial<ACC>> coalescing;

  /**
   * @param key the key of each partial; a constant (such as {@code "*"}) for one global accumulator per window
   * @param windows a non-merging event-time window assigner
   * @param maxPartials the most (key, window) partials held before all are flushed, at least 1
   */
  public LocalWindowAggregator(
      KeySelector<IN, String> key,
      WindowAssigner<Object, TimeWindow> windows,
      Duration allowedLateness,
      AggregateFunction<IN, ACC, ?> aggregate,
      int maxPartials,
      OutputTag<IN> lateEvents) {
    this(key, windows, allowedLateness, aggregate, maxPartials, lateEvents, null);
  }

  /**
   * @param allKeysLabel the key of the all-keys partials (see the class documentation), or null for none
   * @throws IllegalArgumentException with all-keys partials of a {@link RandomizedAggregate}, whose accumulators
   *     cannot be merged ahead of the keyed window without changing its draws
   */
  public LocalWindowAggregator(
      KeySelector<IN, String> key,
      WindowAssigner<Object, TimeWindow> windows,
      Duration allowedLateness,
      AggregateFunction<IN, ACC, ?> aggregate,
      int maxPartials,
      OutputTag<IN> lateEvents,
      String allKeysLabel) {
    if (allKeysLabel != null && aggregate instanceof RandomizedAggregate<?>) {
      throw new IllegalArgumentException("all-keys partials of a randomized aggregate are not supported: " + aggregate);
    }
    if (!windows.isEventTime()) {
      throw new IllegalArgumentException("local pre-aggregation needs event-time windows: " + windows);
    }
    if (allowedLateness.isNegative()) {
      throw new IllegalArgumentException("allowed lateness must not be negative: " + allowedLateness);
    }
    if (maxPartials < 1) {
      throw new IllegalArgumentException("maxPartials must be at least 1: " + maxPartials);
    }
    this.key = Objects.requireNonNull(key, "key");
    this.windows = windows;
    this.allowedLateness = allowedLateness.toMillis();
    this.aggregate = Objects.requireNonNull(aggregate, "aggregate");
    this.maxPartials = maxPartials;
    this.lateEvents = Objects.requireNonNull(lateEvents, "lateEvents");
    this.allKeysLabel = allKeysLabel;
  }

  @Override
  protected void setup(
      StreamTask<?, ?> containingTask, StreamConfig config, Output<StreamRecord<WindowPartial<ACC>>> output) {
    coalescing = new CoalescingWatermarkOutput<>(output, this::getProcessingTimeService);
    super.setup(containingTask, config, coalescing);
  }

  @Override
  public void open() throws Exception {
    super.open();
    partials = new TreeMap<>(BY_END);
    size = 0;
    currentWatermark = Long.MIN_VALUE;
    flushes = 0;
    assignerContext =
        new WindowAssigner.WindowAssignerContext() {
          @Override
          public long getCurrentProcessingTime() {
            return getProcessingTimeService().getCurrentProcessingTime();
          }
        };
  }

  @Override
  public void processElement(StreamRecord<IN> element) throws Exception {
    if (!element.hasTimestamp()) {
      throw new IllegalStateException(
          "an element has no timestamp: assign timestamps and watermarks before local pre-aggregation");
    }
    IN value = element.getValue();
    boolean accepted = false;
    String partialKey = null;
    for (TimeWindow window : windows.assignWindows(value, element.getTimestamp(), assignerContext)) {
      if (cleanupTime(window) <= currentWatermark) {
        continue;
      }
      if (partialKey == null) {
        partialKey = key.getKey(value);
      }
      WindowPartial<ACC> partial =
          partials.computeIfAbsent(window, w -> new HashMap<>()).get(partialKey);
      if (partial == null) {
        partial =
            new WindowPartial<>(
                partialKey, window.getStart(), window.getEnd(), 0, createAccumulator(partialKey, window));
        partials.get(window).put(partialKey, partial);
        size++;
      }
      partial.accumulator = aggregate.add(value, partial.accumulator);
      partial.events++;
      accepted = true;
    }
    if (!accepted) {
      output.collect(lateEvents, element);
    }
    if (size > maxPartials) {
      flush(partials);
    }
  }

  /** Flush rule 1: the windows this watermark fires, then the watermark. */
  @Override
  public void processWatermark(Watermark mark) throws Exception {
    currentWatermark = mark.getTimestamp();
    long watermark = mark.getTimestamp();
    // The first window after every window with maxTimestamp <= W in BY_END order: (W + 1, start MAX_VALUE).
    flush(watermark == Long.MAX_VALUE ? partials : partials.headMap(new TimeWindow(Long.MAX_VALUE, watermark + 1), true));
    super.processWatermark(mark);
  }

  /** Flush rule 2: nothing is held across a checkpoint. */
  @Override
  public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
    flush(partials);
    coalescing.release();
    super.prepareSnapshotPreBarrier(checkpointId);
  }

  /** Flush rule 3. */
  @Override
  public void endInput() {
    flush(partials);
  }

  private ACC createAccumulator(String partialKey, TimeWindow window) {
    if (aggregate instanceof RandomizedAggregate<?> randomized) {
      @SuppressWarnings("unchecked")
      ACC accumulator =
          ((RandomizedAggregate<ACC>) randomized)
              .createAccumulator(
                  partialKey,
                  getRuntimeContext().getTaskInfo().getIndexOfThisSubtask(),
                  getRuntimeContext().getTaskInfo().getAttemptNumber(),
                  flushes,
                  window.getStart());
      return accumulator;
    }
    return aggregate.createAccumulator();
  }

  /** How many (key, window) partials are held now; for tests. */
  int heldPartials() {
    return size;
  }

  private void flush(Map<TimeWindow, Map<String, WindowPartial<ACC>>> windowsToFlush) {
    flushes++;
    Iterator<Map.Entry<TimeWindow, Map<String, WindowPartial<ACC>>>> it = windowsToFlush.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<TimeWindow, Map<String, WindowPartial<ACC>>> window = it.next();
      long timestamp = window.getKey().maxTimestamp();
      WindowPartial<ACC> allKeys =
          allKeysLabel == null
              ? null
              : new WindowPartial<>(
                  allKeysLabel, window.getKey().getStart(), window.getKey().getEnd(), 0, aggregate.createAccumulator());
      for (WindowPartial<ACC> partial : window.getValue().values()) {
        // Emitted before it is merged: a merge may take over the partial's accumulator and change it later.
        output.collect(new StreamRecord<>(partial, timestamp));
        if (allKeys != null) {
          allKeys.accumulator = aggregate.merge(allKeys.accumulator, partial.accumulator);
          allKeys.events += partial.events;
        }
      }
      if (allKeys != null) {
        allKeys.allKeys = true;
        output.collect(new StreamRecord<>(allKeys, timestamp));
      }
      size -= window.getValue().size();
      it.remove();
    }
  }

  private long cleanupTime(TimeWindow window) {
    long cleanup = window.maxTimestamp() + allowedLateness;
    return cleanup >= window.maxTimestamp() ? cleanup : Long.MAX_VALUE;
  }
}
