package io.streamsketch.flink.aggregate;

import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/**
 * Turns a window's sketch into a result record, numbering the firings of each window as {@code windowed-counts}
 * does: 0 at the watermark, then 1, 2, ... per update within the allowed lateness, so the highest firing stands.
 */
public abstract class NumberedFiringWindowFunction<ACC, OUT> extends ProcessWindowFunction<ACC, OUT, String, TimeWindow> {
  private static final long serialVersionUID = 1L;

  private static final ValueStateDescriptor<Integer> FIRINGS = new ValueStateDescriptor<>("firings", Types.INT);

  /** The result record of one firing; {@code sketch} must not be changed. */
  protected abstract OUT result(String key, TimeWindow window, ACC sketch, int firing);

  @Override
  public final void process(String key, Context context, Iterable<ACC> sketches, Collector<OUT> out) throws Exception {
    ValueState<Integer> firings = context.windowState().getState(FIRINGS);
    int firing = firings.value() == null ? 0 : firings.value();
    firings.update(firing + 1);
    out.collect(result(key, context.window(), sketches.iterator().next(), firing));
  }

  /** Called when the window is purged after its allowed lateness: the firing counter goes with it. */
  @Override
  public final void clear(Context context) {
    context.windowState().getState(FIRINGS).clear();
  }
}
