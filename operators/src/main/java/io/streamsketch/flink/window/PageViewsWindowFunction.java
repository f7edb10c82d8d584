package io.streamsketch.flink.window;

import io.streamsketch.model.PageWindowCount;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/**
 * Turns a page's pre-aggregated view count into a {@link PageWindowCount}, numbering the firings of each window: 0
 * at the watermark, then 1, 2, ... for each update that a late event within the allowed lateness triggers.
 */
public final class PageViewsWindowFunction extends ProcessWindowFunction<Long, PageWindowCount, String, TimeWindow> {
  private static final long serialVersionUID = 1L;

  private static final ValueStateDescriptor<Integer> FIRINGS =
      new ValueStateDescriptor<>("firings", Types.INT);

  @Override
  public void process(String pageId, Context context, Iterable<Long> counts, Collector<PageWindowCount> out)
      throws Exception {
    ValueState<Integer> firings = context.windowState().getState(FIRINGS);
    int firing = firings.value() == null ? 0 : firings.value();
    firings.update(firing + 1);
    TimeWindow window = context.window();
    out.collect(new PageWindowCount(pageId, window.getStart(), window.getEnd(), counts.iterator().next(), firing));
  }

  /** Called when the window is purged after its allowed lateness: the firing counter goes with it. */
  @Override
  public void clear(Context context) {
    context.windowState().getState(FIRINGS).clear();
  }
}
