package io.streamsketch.jobs.runtime;

import io.streamsketch.flink.io.CountRecords;
import io.streamsketch.model.ClickEvent;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Gauge;

/**
 * Counts the input's valid events ({@code events}, as every output is counted) and keeps the newest event time seen in
 * the gauge {@value #NEWEST_EVENT_TIME}, so that the watermark's lag behind it can be watched (the progress line of a
 * local run, or a cluster's dashboards). Stateless.
 */
final class CountEvents extends CountRecords<ClickEvent> {
  private static final long serialVersionUID = 1L;
  static final String NAME = "events";
  static final String NEWEST_EVENT_TIME = "newest-event-time";

  // Volatile because the metric reporter's thread reads it; written only when an event is newer than all before.
  private transient volatile long newest;

  CountEvents() {
    super(NAME);
  }

  @Override
  public void open(OpenContext openContext) {
    super.open(openContext);
    newest = Long.MIN_VALUE;
    getRuntimeContext().getMetricGroup().gauge(NEWEST_EVENT_TIME, (Gauge<Long>) () -> newest);
  }

  @Override
  public ClickEvent map(ClickEvent event) {
    if (event.eventTime > newest) {
      newest = event.eventTime;
    }
    return super.map(event);
  }
}
