package io.streamsketch.jobs.sample;

import io.streamsketch.flink.io.SideOutputs;
import io.streamsketch.model.ClickEvent;
import io.streamsketch.model.WindowSample;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The exact equivalent of {@code sample}, for benchmarks and checks: keyed by window start, it keeps every event of
 * the window in a {@code ListState} (one append per event, also on RocksDB) and draws {@code k} of them uniformly
 * without replacement when the window fires. It fires like the sketch job's window: at the watermark, then once per
 * late event within the allowed lateness; later events go to the late output.
 *
 * <p>The draw is a partial Fisher-Yates shuffle of the window's events sorted by event id, with a generator seeded by
 * {@code --sample-seed} and the window start: the same events and seed give the same sample whatever their arrival
 * order, and windows get independent draws.
 */
final class ExactWindowSample extends KeyedProcessFunction<Long, ClickEvent, WindowSample> {
  private static final long serialVersionUID = 1L;

  private final long windowMillis;
  private final long allowedLatenessMillis;
  private final int k;
  private final long seed;
  private transient ListState<ClickEvent> events;
  private transient ValueState<Integer> firings;

  ExactWindowSample(long windowMillis, long allowedLatenessMillis, int k, long seed) {
    this.windowMillis = windowMillis;
    this.allowedLatenessMillis = allowedLatenessMillis;
    this.k = k;
    this.seed = seed;
  }

  /** The key of an event: the start of its tumbling window. */
  static long windowStart(ClickEvent event, long windowMillis) {
    return event.eventTime - Math.floorMod(event.eventTime, windowMillis);
  }

  @Override
  public void open(OpenContext context) {
    events = getRuntimeContext().getListState(new ListStateDescriptor<>("events", TypeInformation.of(ClickEvent.class)));
    firings = getRuntimeContext().getState(new ValueStateDescriptor<>("firings", Types.INT));
  }

  @Override
  public void processElement(ClickEvent event, Context context, Collector<WindowSample> out) throws Exception {
    long maxTimestamp = context.getCurrentKey() + windowMillis - 1;
    long watermark = context.timerService().currentWatermark();
    if (maxTimestamp + allowedLatenessMillis <= watermark) {
      context.output(SideOutputs.LATE_EVENTS, event);
      return;
    }
    events.add(event);
    // Registered with every event, not only before the watermark: a window's first event may come late.
    context.timerService().registerEventTimeTimer(maxTimestamp + allowedLatenessMillis);
    if (maxTimestamp <= watermark) {
      emit(context.getCurrentKey(), out);
    } else {
      context.timerService().registerEventTimeTimer(maxTimestamp);
    }
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext context, Collector<WindowSample> out) throws Exception {
    long maxTimestamp = context.getCurrentKey() + windowMillis - 1;
    if (timestamp == maxTimestamp) {
      emit(context.getCurrentKey(), out);
    }
    if (timestamp == maxTimestamp + allowedLatenessMillis) {
      events.clear();
      firings.clear();
    }
  }

  private void emit(long windowStart, Collector<WindowSample> out) throws Exception {
    List<ClickEvent> window = new ArrayList<>();
    events.get().forEach(window::add);
    window.sort(Comparator.comparingLong(event -> event.eventId));
    SplittableRandom random = new SplittableRandom(seed * 31 + windowStart);
    int size = Math.min(k, window.size());
    for (int i = 0; i < size; i++) {
      Collections.swap(window, i, i + random.nextInt(window.size() - i));
    }
    int firing = firings.value() == null ? 0 : firings.value();
    firings.update(firing + 1);
    out.collect(
        new WindowSample(
            windowStart, windowStart + windowMillis, k, window.size(), firing, window.subList(0, size).toArray(ClickEvent[]::new)));
  }
}
