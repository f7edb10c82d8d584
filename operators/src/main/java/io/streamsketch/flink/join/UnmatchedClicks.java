package io.streamsketch.flink.join;

import io.streamsketch.model.ClickEvent;
import io.streamsketch.model.ImpressionClick;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by click id: clicks (input 1) and the interval join's pairs (input 2). A click that no pair names is emitted
 * when event time reaches it. The interval join cannot emit non-matches itself; taking its pairs as the truth keeps
 * "unmatched" exactly the complement of "joined".
 *
 * <p>Why event time at the click suffices: a pair carries its click's time, and the interval join emits it no later
 * than its own watermark passes that time, so every pair of a click arrives here before the watermark does.
 */
public final class UnmatchedClicks extends KeyedCoProcessFunction<Long, ClickEvent, ImpressionClick, ClickEvent> {
  private static final long serialVersionUID = 1L;

  private transient ValueState<ClickEvent> click;
  private transient ValueState<Boolean> matched;

  @Override
  public void open(OpenContext openContext) {
    click = getRuntimeContext().getState(new ValueStateDescriptor<>("click", TypeInformation.of(ClickEvent.class)));
    matched = getRuntimeContext().getState(new ValueStateDescriptor<>("matched", Types.BOOLEAN));
  }

  @Override
  public void processElement1(ClickEvent event, Context ctx, Collector<ClickEvent> out) throws Exception {
    click.update(event);
    ctx.timerService().registerEventTimeTimer(event.eventTime);
  }

  @Override
  public void processElement2(ImpressionClick pair, Context ctx, Collector<ClickEvent> out) throws Exception {
    matched.update(true);
    // The click registers the same timer; registering it here too clears the flag even if the pair comes first.
    ctx.timerService().registerEventTimeTimer(pair.clickTime);
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<ClickEvent> out) throws Exception {
    ClickEvent pending = click.value();
    if (pending != null && matched.value() == null) {
      out.collect(pending);
    }
    click.clear();
    matched.clear();
  }
}
