package io.streamsketch.flink.io;

import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;

/**
 * Passes records through and counts them, as a metric for a cluster's dashboards and as an accumulator for the
 * summary a local run prints.
 */
public class CountRecords<T> extends RichMapFunction<T, T> {
  private static final long serialVersionUID = 1L;

  private final String name;
  private transient LongCounter accumulator;
  private transient org.apache.flink.metrics.Counter metric;

  public CountRecords(String name) {
    this.name = name;
  }

  @Override
  public void open(OpenContext openContext) {
    accumulator = getRuntimeContext().getLongCounter(name);
    metric = getRuntimeContext().getMetricGroup().counter(name);
  }

  @Override
  public T map(T value) {
    accumulator.add(1L);
    metric.inc();
    return value;
  }
}
