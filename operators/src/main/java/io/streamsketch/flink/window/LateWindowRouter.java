package io.streamsketch.flink.window;

import io.streamsketch.model.ClickEvent;
import io.streamsketch.model.LateEvent;
import java.time.Duration;
import java.util.Objects;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.windowing.assigners.MergingWindowAssigner;
import org.apache.flink.streaming.api.windowing.assigners.WindowAssigner;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Accounts for every (event, window) pair that an event-time window operator downstream will not count: for each
 * window of an event that is past its allowed lateness, a {@link LateEvent} naming that window goes to {@link
 * #LATE_WINDOWS}. Events with at least one window still open pass on unchanged; events late for all their windows do
 * not (every one of their windows is accounted for here).
 *
 * <p>Flink's {@code sideOutputLateData} routes an element only when it is late for <em>all</em> its windows, so with
 * overlapping (sliding) windows an event late for its older window but on time for the newer one would be counted in
 * the newer one and leave no trace of the older one. This operator applies the window operator's own rule (a window
 * is late when {@code maxTimestamp + allowedLateness <= watermark}, the sum capped at {@code Long.MAX_VALUE}) with the
 * same assigner, so it takes exactly the window operator's decisions provided it sees the same watermark: run it on
 * the window operator's keyed stream, connected by a forward edge ({@code
 * DataStreamUtils.reinterpretAsKeyedStream}), where elements and watermarks stay in order.
 *
 * <p>Stateless, no timers. Merging (session) assigners are rejected: their windows change after assignment.
 */
public final class LateWindowRouter<K> extends KeyedProcessFunction<K, ClickEvent, ClickEvent> {
  private static final long serialVersionUID = 1L;

  /** The (event, window) pairs that the window operator will not count. */
  public static final OutputTag<LateEvent> LATE_WINDOWS =
      new OutputTag<>("late-windows", TypeInformation.of(LateEvent.class));

  private final WindowAssigner<Object, TimeWindow> windows;
  private final long allowedLatenessMillis;

  public LateWindowRouter(WindowAssigner<Object, TimeWindow> windows, Duration allowedLateness) {
    this.windows = Objects.requireNonNull(windows, "windows");
    if (!windows.isEventTime() || windows instanceof MergingWindowAssigner) {
      throw new IllegalArgumentException("an event-time, non-merging window assigner is required: " + windows);
    }
    if (allowedLateness.isNegative()) {
      throw new IllegalArgumentException("allowed lateness must not be negative: " + allowedLateness);
    }
    this.allowedLatenessMillis = allowedLateness.toMillis();
  }

  @Override
  public void processElement(ClickEvent event, Context context, Collector<ClickEvent> out) {
    Long timestamp = context.timestamp();
    if (timestamp == null) {
      throw new IllegalStateException("an event has no timestamp: assign timestamps and watermarks first");
    }
    TimerService time = context.timerService();
    long watermark = time.currentWatermark();
    WindowAssigner.WindowAssignerContext assignerContext =
        new WindowAssigner.WindowAssignerContext() {
          @Override
          public long getCurrentProcessingTime() {
            return time.currentProcessingTime();
          }
        };
    boolean counted = false;
    for (TimeWindow window : windows.assignWindows(event, timestamp, assignerContext)) {
      if (cleanupTime(window) <= watermark) {
        context.output(LATE_WINDOWS, new LateEvent(event, window.getStart(), window.getEnd()));
      } else {
        counted = true;
      }
    }
    if (counted) {
      out.collect(event);
    }
  }

  private long cleanupTime(TimeWindow window) {
    long cleanup = window.maxTimestamp() + allowedLatenessMillis;
    return cleanup >= window.maxTimestamp() ? cleanup : Long.MAX_VALUE;
  }
}
