package io.streamsketch.flink.join;

import io.streamsketch.model.ImpressionClick;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by impression id: passes the first pair of each impression, so that an impression followed by several
 * clicks counts as one clicked impression. The state of an impression is cleared when event time passes the end of
 * its join interval, after which no pair of it can come.
 */
public final class FirstClickPerImpression extends KeyedProcessFunction<Long, ImpressionClick, ImpressionClick> {
  private static final long serialVersionUID = 1L;

  private final long joinIntervalMillis;
  private transient ValueState<Boolean> seen;

  /** @param joinIntervalMillis how long after an impression a click may follow it */
  public FirstClickPerImpression(long joinIntervalMillis) {
    this.joinIntervalMillis = joinIntervalMillis;
  }

  @Override
  public void open(OpenContext openContext) {
    seen = getRuntimeContext().getState(new ValueStateDescriptor<>("seen", Types.BOOLEAN));
  }

  @Override
  public void processElement(ImpressionClick pair, Context ctx, Collector<ImpressionClick> out) throws Exception {
    if (seen.value() == null) {
      seen.update(true);
      out.collect(pair);
      ctx.timerService().registerEventTimeTimer(pair.impressionTime + joinIntervalMillis);
    }
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<ImpressionClick> out) {
    seen.clear();
  }
}
