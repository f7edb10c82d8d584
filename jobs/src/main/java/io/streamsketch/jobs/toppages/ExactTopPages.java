package io.streamsketch.jobs.toppages;

import io.streamsketch.model.PageWindowCount;
import io.streamsketch.model.TopPages;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The exact top-k of {@code top-pages --exact}, keyed by window start: it keeps the latest exact count of every page
 * of the window (the per-page windows' firings) in a {@code MapState}, so a late firing of one page replaces that
 * page's count and the window is re-ranked with the other pages' counts as they stand. It fires like the sketch job's
 * window: once when the watermark passes the window, then once per page update that arrives after that, with its own
 * firing numbers; the state goes when the allowed lateness has passed.
 *
 * <p>No update can arrive after that: the per-page windows only fire before their watermark reaches the window's end
 * plus the allowed lateness, and they emit the firing before forwarding that watermark here.
 *
 * <p>Ties: pages with equal views are ranked by page id, so the listed set is one true top-k and is the same in
 * every run.
 */
final class ExactTopPages extends KeyedProcessFunction<Long, PageWindowCount, TopPages> {
  private static final long serialVersionUID = 1L;

  private static final Comparator<Map.Entry<String, Long>> MOST_VIEWED_FIRST =
      Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey());

  private final long windowMillis;
  private final long allowedLatenessMillis;
  private final int top;
  private final double heavyFraction;
  private transient MapState<String, Long> viewsByPage;
  private transient ValueState<Integer> firings;

  ExactTopPages(long windowMillis, long allowedLatenessMillis, int top, double heavyFraction) {
    this.windowMillis = windowMillis;
    this.allowedLatenessMillis = allowedLatenessMillis;
    this.top = top;
    this.heavyFraction = heavyFraction;
  }

  @Override
  public void open(OpenContext context) {
    viewsByPage = getRuntimeContext().getMapState(new MapStateDescriptor<>("views-by-page", Types.STRING, Types.LONG));
    firings = getRuntimeContext().getState(new ValueStateDescriptor<>("firings", Types.INT));
  }

  @Override
  public void processElement(PageWindowCount count, Context context, Collector<TopPages> out) throws Exception {
    viewsByPage.put(count.pageId, count.views);
    long maxTimestamp = count.windowStart + windowMillis - 1;
    // Registered with every count, not only before the watermark: a window's first count may come late.
    context.timerService().registerEventTimeTimer(maxTimestamp + allowedLatenessMillis);
    if (maxTimestamp <= context.timerService().currentWatermark()) {
      emit(count.windowStart, out);
    } else {
      context.timerService().registerEventTimeTimer(maxTimestamp);
    }
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext context, Collector<TopPages> out) throws Exception {
    long maxTimestamp = context.getCurrentKey() + windowMillis - 1;
    if (timestamp == maxTimestamp) {
      emit(context.getCurrentKey(), out);
    }
    if (timestamp == maxTimestamp + allowedLatenessMillis) {
      viewsByPage.clear();
      firings.clear();
    }
  }

  private void emit(long windowStart, Collector<TopPages> out) throws Exception {
    List<Map.Entry<String, Long>> pages = new ArrayList<>();
    long totalViews = 0;
    for (Map.Entry<String, Long> page : viewsByPage.entries()) {
      pages.add(Map.entry(page.getKey(), page.getValue()));
      totalViews += page.getValue();
    }
    pages.sort(MOST_VIEWED_FIRST);
    int listed = Math.min(top, pages.size());
    String[] pageIds = new String[listed];
    long[] views = new long[listed];
    for (int i = 0; i < listed; i++) {
      pageIds[i] = pages.get(i).getKey();
      views[i] = pages.get(i).getValue();
    }
    int firing = firings.value() == null ? 0 : firings.value();
    firings.update(firing + 1);
    out.collect(
        new TopPages(
            windowStart, windowStart + windowMillis, totalViews, 0, 1, heavyFraction * totalViews, firing, pageIds, views));
  }
}
