package io.streamsketch.flink.io;

import io.streamsketch.model.ClickEvent;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/** Passes a source's events on and sends its dead letters to {@link SideOutputs#DEAD_LETTERS}, counted. */
public final class SplitInputRecords extends ProcessFunction<InputRecord, ClickEvent> {
  private static final long serialVersionUID = 1L;

  private transient Counter deadLetters;

  @Override
  public void open(OpenContext openContext) {
    deadLetters = getRuntimeContext().getMetricGroup().counter("deadLetters");
  }

  @Override
  public void processElement(InputRecord record, Context ctx, Collector<ClickEvent> out) {
    if (record.event != null) {
      out.collect(record.event);
    } else {
      deadLetters.inc();
      ctx.output(SideOutputs.DEAD_LETTERS, record.deadLetter);
    }
  }
}
