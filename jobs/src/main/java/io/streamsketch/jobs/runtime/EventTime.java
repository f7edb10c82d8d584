package io.streamsketch.jobs.runtime;

import io.streamsketch.flink.io.ClickEventWatermarks;
import io.streamsketch.flink.io.InputRecord;
import io.streamsketch.model.ClickEvent;
import io.streamsketch.model.EventKind;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * Event time for every job: the watermark settings its input's sources apply, and the views stage of the
 * view-counting jobs. Timestamps and watermarks are assigned in the sources ({@code fromSource}), per split or Kafka
 * partition, so a partition that falls behind holds the watermark back and an idle one, after the idleness, does not.
 */
public final class EventTime {
  private EventTime() {}

  /** A job's watermark settings: how far the watermark trails the largest event time, and when a split is idle. */
  public record Watermarks(Duration outOfOrderness, Duration idleness) {
    public Watermarks {
      // Fails here, as a usage error of the job, rather than when the sources are built.
      ClickEventWatermarks.boundedOutOfOrderness(outOfOrderness, idleness);
    }

    WatermarkStrategy<ClickEvent> forEvents() {
      return ClickEventWatermarks.boundedOutOfOrderness(outOfOrderness, idleness);
    }

    WatermarkStrategy<InputRecord> forInputRecords() {
      return ClickEventWatermarks.forInputRecords(outOfOrderness, idleness);
    }
  }

  /** The {@code VIEW} events (uid {@code <job>/views}); {@code events} already carry timestamps and watermarks. */
  public static SingleOutputStreamOperator<ClickEvent> views(DataStream<ClickEvent> events, String job) {
    return atInputParallelism(
        events.filter(event -> event.kind == EventKind.VIEW).uid(job + "/views").name("views"), events);
  }

  /**
   * Runs {@code operator} at its input's parallelism when the input fixed one (a file input is read by one source
   * subtask), so the operator chains to it: no round-robin spreads the events over subtasks whose interleaving at the
   * next keyed operator would make lateness depend on timing.
   */
  public static <T> SingleOutputStreamOperator<T> atInputParallelism(
      SingleOutputStreamOperator<T> operator, DataStream<?> input) {
    if (input.getTransformation().isParallelismConfigured()) {
      operator.setParallelism(input.getParallelism());
    }
    return operator;
  }
}
