package io.streamsketch.jobs.runtime;

import io.streamsketch.flink.io.ClickEventWatermarks;
import io.streamsketch.model.ClickEvent;
import io.streamsketch.model.EventKind;
import java.time.Duration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/** The first stages of every job: timestamps and watermarks, and for the view-counting jobs the views. */
public final class EventTime {
  private EventTime() {}

  /** The events with their timestamps and the job's watermarks (uid {@code <job>/watermarks}). */
  public static SingleOutputStreamOperator<ClickEvent> withWatermarks(
      DataStream<ClickEvent> events, String job, Duration outOfOrderness, Duration idleness) {
    return events
        .assignTimestampsAndWatermarks(ClickEventWatermarks.boundedOutOfOrderness(outOfOrderness, idleness))
        .uid(job + "/watermarks")
        .name("watermarks");
  }

  /** The {@code VIEW} events, with timestamps and watermarks (uids {@code <job>/watermarks}, {@code <job>/views}). */
  public static SingleOutputStreamOperator<ClickEvent> views(
      DataStream<ClickEvent> events, String job, Duration outOfOrderness, Duration idleness) {
    return withWatermarks(events, job, outOfOrderness, idleness)
        .filter(event -> event.kind == EventKind.VIEW)
        .uid(job + "/views")
        .name("views");
  }
}
