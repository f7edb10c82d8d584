package io.streamsketch.flink.join;

import io.streamsketch.model.AdCtr;
import io.streamsketch.model.ClickEvent;
import io.streamsketch.model.ImpressionClick;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by ad: counts all impressions (input 1) and the clicked ones (input 2, one record per clicked impression)
 * per tumbling event-time window of impression time.
 *
 * <p>A window's result waits for event time to pass its end plus the join interval: a click may follow the window's
 * last impression by that long, so only then are its clicked impressions all known. State per ad is one pair of
 * counts per open window, never the events.
 */
public final class AdCtrWindows extends KeyedCoProcessFunction<String, ClickEvent, ImpressionClick, AdCtr> {
  private static final long serialVersionUID = 1L;

  private final long windowMillis;
  private final long joinIntervalMillis;
  /** Window start to its counts so far, as an {@link AdCtr} whose ctr is not yet computed. */
  private transient MapState<Long, AdCtr> windows;

  public AdCtrWindows(long windowMillis, long joinIntervalMillis) {
    if (windowMillis <= 0 || joinIntervalMillis < 0) {
      throw new IllegalArgumentException("window must be positive and join interval non-negative");
    }
    this.windowMillis = windowMillis;
    this.joinIntervalMillis = joinIntervalMillis;
  }

  @Override
  public void open(OpenContext openContext) {
    windows =
        getRuntimeContext()
            .getMapState(new MapStateDescriptor<>("windows", Types.LONG, TypeInformation.of(AdCtr.class)));
  }

  @Override
  public void processElement1(ClickEvent impression, Context ctx, Collector<AdCtr> out) throws Exception {
    AdCtr counts = counts(impression.eventTime, ctx);
    counts.impressions++;
    windows.put(counts.windowStart, counts);
  }

  @Override
  public void processElement2(ImpressionClick clicked, Context ctx, Collector<AdCtr> out) throws Exception {
    AdCtr counts = counts(clicked.impressionTime, ctx);
    counts.clickedImpressions++;
    windows.put(counts.windowStart, counts);
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<AdCtr> out) throws Exception {
    long windowStart = timestamp + 1 - joinIntervalMillis - windowMillis;
    AdCtr counts = windows.get(windowStart);
    windows.remove(windowStart);
    out.collect(
        new AdCtr(ctx.getCurrentKey(), windowStart, counts.windowEnd, counts.impressions, counts.clickedImpressions));
  }

  private AdCtr counts(long impressionTime, Context ctx) throws Exception {
    long windowStart = impressionTime - Math.floorMod(impressionTime, windowMillis);
    AdCtr counts = windows.get(windowStart);
    if (counts == null) {
      counts = new AdCtr(ctx.getCurrentKey(), windowStart, windowStart + windowMillis, 0, 0);
      // The last moment a click of the window's last impression can carry.
      ctx.timerService().registerEventTimeTimer(windowStart + windowMillis - 1 + joinIntervalMillis);
    }
    return counts;
  }
}
