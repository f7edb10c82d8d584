package io.streamsketch.flink.join;

import io.streamsketch.model.ClickEvent;
import io.streamsketch.model.ImpressionClick;
import org.apache.flink.streaming.api.functions.co.ProcessJoinFunction;
import org.apache.flink.util.Collector;

/** The interval join's output: one record per (impression, click) pair, stamped with the later time, the click's. */
public final class PairImpressionWithClick extends ProcessJoinFunction<ClickEvent, ClickEvent, ImpressionClick> {
  private static final long serialVersionUID = 1L;

  @Override
  public void processElement(ClickEvent impression, ClickEvent click, Context ctx, Collector<ImpressionClick> out) {
    out.collect(new ImpressionClick(impression, click));
  }
}
