package io.streamsketch.jobs.runtime;

import io.streamsketch.model.ClickEvent;
import io.streamsketch.model.EventKind;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * {@code --event-metrics}: one stateless operator after the input that counts its events per kind in Flink metrics
 * ({@code events-view}, {@code events-ad-impression}, {@code events-ad-click} of operator {@code event-metrics}), for
 * watching a running job's input mix. It holds no state, so it can be added to or removed from a job restored from a
 * savepoint.
 */
final class EventMetrics {
  static final String UID = "event-metrics";

  private EventMetrics() {}

  /** {@code events} with the counting operator after them if {@code enabled}; otherwise {@code events} itself. */
  static DataStream<ClickEvent> insert(DataStream<ClickEvent> events, boolean enabled) {
    if (!enabled) {
      return events;
    }
    return events
        .map(new CountByKind())
        .returns(events.getType())
        .setParallelism(events.getParallelism())
        .uid(UID)
        .name(UID);
  }

  private static final class CountByKind extends RichMapFunction<ClickEvent, ClickEvent> {
    private static final long serialVersionUID = 1L;
    private transient Map<EventKind, Counter> counters;

    @Override
    public void open(OpenContext context) {
      counters = new EnumMap<>(EventKind.class);
      for (EventKind kind : EventKind.values()) {
        counters.put(
            kind,
            getRuntimeContext().getMetricGroup().counter("events-" + kind.name().toLowerCase(Locale.ROOT).replace('_', '-')));
      }
    }

    @Override
    public ClickEvent map(ClickEvent event) {
      counters.get(event.kind).inc();
      return event;
    }
  }
}
