package io.streamsketch.jobs.uniquevisitors;

import io.streamsketch.flink.io.SideOutputs;
import io.streamsketch.model.ClickEvent;
import io.streamsketch.model.UniqueVisitors;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The exact equivalent of {@code unique-visitors}, for benchmarks and checks: keyed by {@link #key} (window start and
 * page), it keeps every distinct user in a {@code MapState}, so on RocksDB each event is one small put rather than a
 * read-modify-write of a whole set. It fires like the sketch job's windows: at the watermark, then once per late event
 * within the allowed lateness; later events go to the late output.
 */
final class ExactDistinctUsers extends KeyedProcessFunction<String, ClickEvent, UniqueVisitors> {
  private static final long serialVersionUID = 1L;

  private final long windowMillis;
  private final long allowedLatenessMillis;
  private final boolean global;
  private transient MapState<String, Boolean> users;
  private transient ValueState<Integer> firings;

  ExactDistinctUsers(long windowMillis, long allowedLatenessMillis, boolean global) {
    this.windowMillis = windowMillis;
    this.allowedLatenessMillis = allowedLatenessMillis;
    this.global = global;
  }

  /** The key of an event: its tumbling window's start and its page (or all pages). */
  static String key(ClickEvent event, long windowMillis, boolean global) {
    long start = event.eventTime - Math.floorMod(event.eventTime, windowMillis);
    return start + "/" + (global ? UniqueVisitors.ALL_PAGES : event.pageId);
  }

  @Override
  public void open(OpenContext context) {
    users = getRuntimeContext().getMapState(new MapStateDescriptor<>("users", Types.STRING, Types.BOOLEAN));
    firings = getRuntimeContext().getState(new ValueStateDescriptor<>("firings", Types.INT));
  }

  @Override
  public void processElement(ClickEvent event, Context context, Collector<UniqueVisitors> out) throws Exception {
    long maxTimestamp = windowStart(context.getCurrentKey()) + windowMillis - 1;
    long watermark = context.timerService().currentWatermark();
    if (maxTimestamp + allowedLatenessMillis <= watermark) {
      context.output(SideOutputs.LATE_EVENTS, event);
      return;
    }
    users.put(event.userId, Boolean.TRUE);
    // The cleanup timer on every event: a window whose first event is already late must still be cleared.
    context.timerService().registerEventTimeTimer(maxTimestamp + allowedLatenessMillis);
    if (maxTimestamp <= watermark) {
      emit(context.getCurrentKey(), out);
    } else {
      context.timerService().registerEventTimeTimer(maxTimestamp);
    }
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext context, Collector<UniqueVisitors> out) throws Exception {
    long maxTimestamp = windowStart(context.getCurrentKey()) + windowMillis - 1;
    if (timestamp == maxTimestamp) {
      emit(context.getCurrentKey(), out);
    }
    if (timestamp == maxTimestamp + allowedLatenessMillis) {
      users.clear();
      firings.clear();
    }
  }

  private void emit(String key, Collector<UniqueVisitors> out) throws Exception {
    long count = 0;
    for (String ignored : users.keys()) {
      count++;
    }
    int firing = firings.value() == null ? 0 : firings.value();
    firings.update(firing + 1);
    long start = windowStart(key);
    String page = key.substring(key.indexOf('/') + 1);
    out.collect(new UniqueVisitors(page, start, start + windowMillis, count, count, count, firing));
  }

  private static long windowStart(String key) {
    return Long.parseLong(key.substring(0, key.indexOf('/')));
  }
}
