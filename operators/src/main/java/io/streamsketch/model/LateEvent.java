package io.streamsketch.model;

import java.util.Objects;

/**
 * An event that one of its windows did not count because it came after that window's allowed lateness, with the
 * window it missed. An event of overlapping (sliding) windows can be late for some windows and counted in others,
 * so a late record names its window: for each window, its standing count plus its late records is the exact count.
 *
 * <p>As JSON, the event's fields followed by {@code windowStart} (inclusive) and {@code windowEnd} (exclusive), epoch
 * milliseconds. A Flink POJO.
 */
public class LateEvent implements OutputRecord {
  public ClickEvent event;
  /** Inclusive, epoch milliseconds. */
  public long windowStart;
  /** Exclusive, epoch milliseconds. */
  public long windowEnd;

  public LateEvent() {}

  public LateEvent(ClickEvent event, long windowStart, long windowEnd) {
    this.event = event;
    this.windowStart = windowStart;
    this.windowEnd = windowEnd;
  }

  /** One record per (event, sliding window) it missed: the event's id and the window. */
  @Override
  public String key() {
    return event.eventId + "@" + windowStart;
  }

  @Override
  public String toJson() {
    return event.jsonFields().field("windowStart", windowStart).field("windowEnd", windowEnd).toString();
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof LateEvent)) {
      return false;
    }
    LateEvent that = (LateEvent) o;
    return windowStart == that.windowStart && windowEnd == that.windowEnd && Objects.equals(event, that.event);
  }

  @Override
  public int hashCode() {
    return Objects.hash(event, windowStart, windowEnd);
  }

  @Override
  public String toString() {
    return toJson();
  }
}
