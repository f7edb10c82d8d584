package io.streamsketch.flink.io;

import io.streamsketch.model.ClickEvent;
import io.streamsketch.model.DeadLetter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/** Parses JSON lines into events; a line that fails goes to {@link SideOutputs#DEAD_LETTERS}, counted. */
public final class ParseClickEvents extends ProcessFunction<String, ClickEvent> {
  private static final long serialVersionUID = 1L;

  private transient Counter deadLetters;

  @Override
  public void open(OpenContext openContext) {
    deadLetters = getRuntimeContext().getMetricGroup().counter("deadLetters");
  }

  @Override
  public void processElement(String line, Context ctx, Collector<ClickEvent> out) {
    try {
      out.collect(ClickEventParser.parse(line));
    } catch (MalformedEventException e) {
      deadLetters.inc();
      ctx.output(SideOutputs.DEAD_LETTERS, new DeadLetter(line, e.getMessage()));
    }
  }
}
