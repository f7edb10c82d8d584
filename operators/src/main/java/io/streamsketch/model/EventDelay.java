package io.streamsketch.model;

import java.util.Objects;

/**
 * How far one event trails the largest event time seen before it on its input split: {@code delay = max(0, frontier
 * − eventTime)}, where {@code frontier} is the largest event time of the split up to and including this event. An
 * in-order event has delay 0. A Flink POJO; written as an output record only when it reaches a window past its
 * allowed lateness.
 */
public class EventDelay implements OutputRecord {
  /** The input split the event came from (a generator partition, or a source reader for files and Kafka). */
  public String split;

  public long eventId;
  /** Epoch milliseconds. */
  public long eventTime;
  /** The largest event time of the split so far, this event included: the record's timestamp. */
  public long frontier;
  /** {@code frontier − eventTime}, at least 0, in milliseconds. */
  public long delay;

  public EventDelay() {}

  public EventDelay(String split, long eventId, long eventTime, long frontier) {
    this.split = split;
    this.eventId = eventId;
    this.eventTime = eventTime;
    this.frontier = frontier;
    this.delay = frontier - eventTime;
  }

  @Override
  public String key() {
    return Long.toString(eventId);
  }

  @Override
  public String toJson() {
    return Json.object()
        .field("split", split)
        .field("eventId", eventId)
        .field("eventTime", eventTime)
        .field("frontier", frontier)
        .field("delay", delay)
        .toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EventDelay that
        && eventId == that.eventId
        && eventTime == that.eventTime
        && frontier == that.frontier
        && delay == that.delay
        && Objects.equals(split, that.split);
  }

  @Override
  public int hashCode() {
    return Objects.hash(split, eventId, eventTime, frontier);
  }

  @Override
  public String toString() {
    return toJson();
  }
}
