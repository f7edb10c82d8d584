package io.streamsketch.model;

import java.util.Arrays;
import java.util.Objects;

/**
 * A uniform sample of at most {@code k} of the {@code itemsSeen} events of one event-time window, as of one firing of
 * that window (the highest {@code firing} stands): every event of the window had the same chance, k / itemsSeen.
 */
public class WindowSample {
  public long windowStart;
  public long windowEnd;
  public int k;
  public long itemsSeen;
  public int firing;
  public ClickEvent[] events;

  public WindowSample() {}

  public WindowSample(long windowStart, long windowEnd, int k, long itemsSeen, int firing, ClickEvent[] events) {
    this.windowStart = windowStart;
    this.windowEnd = windowEnd;
    this.k = k;
    this.itemsSeen = itemsSeen;
    this.firing = firing;
    this.events = events;
  }

  public String toJson() {
    StringBuilder sample = new StringBuilder("[");
    for (int i = 0; i < events.length; i++) {
      sample.append(i == 0 ? "" : ",").append(events[i].toJson());
    }
    return Json.object()
        .field("windowStart", windowStart)
        .field("windowEnd", windowEnd)
        .field("k", k)
        .field("itemsSeen", itemsSeen)
        .field("firing", firing)
        .rawField("events", sample.append(']').toString())
        .toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof WindowSample that
        && windowStart == that.windowStart
        && windowEnd == that.windowEnd
        && k == that.k
        && itemsSeen == that.itemsSeen
        && firing == that.firing
        && Arrays.equals(events, that.events);
  }

  @Override
  public int hashCode() {
    return Objects.hash(windowStart, windowEnd, itemsSeen, firing);
  }

  @Override
  public String toString() {
    return toJson();
  }
}
