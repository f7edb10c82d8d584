package io.streamsketch.jobs.runtime;

import io.streamsketch.flink.io.SideOutputs;
import io.streamsketch.model.ClickEvent;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Routes events whose tumbling window is past its allowed lateness at this operator's watermark to the late output,
 * once, before the exact job's two keyed functions; everything else passes. A passed event reaches them before any
 * later watermark, so they find it on time too (and would still route it to their own late outputs if not).
 */
public final class TumblingLateEvents extends ProcessFunction<ClickEvent, ClickEvent> {
  private static final long serialVersionUID = 1L;

  private final long windowMillis;
  private final long allowedLatenessMillis;

  public TumblingLateEvents(long windowMillis, long allowedLatenessMillis) {
    this.windowMillis = windowMillis;
    this.allowedLatenessMillis = allowedLatenessMillis;
  }

  @Override
  public void processElement(ClickEvent event, Context context, Collector<ClickEvent> out) {
    long maxTimestamp = event.eventTime - Math.floorMod(event.eventTime, windowMillis) + windowMillis - 1;
    if (maxTimestamp + allowedLatenessMillis <= context.timerService().currentWatermark()) {
      context.output(SideOutputs.LATE_EVENTS, event);
    } else {
      out.collect(event);
    }
  }
}
