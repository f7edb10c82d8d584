package io.streamsketch.flink.join;

import io.streamsketch.flink.io.SideOutputs;
import io.streamsketch.model.ClickEvent;
import io.streamsketch.model.EventKind;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Splits the ad events of a stream with watermarks: impressions on the main output, clicks on {@link #CLICKS}, and
 * ad events behind the watermark on {@link SideOutputs#LATE_EVENTS}. Views are not ad events and are not passed on.
 *
 * <p>Routing late events here, once, keeps every later operator of the ctr job free of late data: their watermark
 * never runs ahead of this operator's, so the interval join, which would drop late elements, never sees one.
 */
public final class AdEventRouter extends ProcessFunction<ClickEvent, ClickEvent> {
  private static final long serialVersionUID = 1L;

  public static final OutputTag<ClickEvent> CLICKS = new OutputTag<>("ad-clicks", TypeInformation.of(ClickEvent.class));

  @Override
  public void processElement(ClickEvent event, Context ctx, Collector<ClickEvent> out) {
    if (event.kind == EventKind.VIEW) {
      return;
    }
    if (event.eventTime <= ctx.timerService().currentWatermark()) {
      ctx.output(SideOutputs.LATE_EVENTS, event);
    } else if (event.kind == EventKind.AD_IMPRESSION) {
      out.collect(event);
    } else {
      ctx.output(CLICKS, event);
    }
  }
}
