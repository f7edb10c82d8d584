package io.streamsketch.model;

import java.util.Arrays;
import java.util.Objects;

/**
 * A uniform sample of at most {@code k} of the {@code itemsSeen} events of one event-time window, as of one firing of
 * that window (the highest {@code firing} stands): every event of the window had the same chance, k / itemsSeen.
 *
 * <p>With {@code --verify}, {@code exactItemsSeen} is the exact event count of the window and {@code
 * datasketchesEventIds} the event ids of a DataSketches reservoir of the same k over the same window; without, they
 * are −1 and null, and the JSON leaves them out.
 */
public class WindowSample implements Result {
  public long windowStart;
  public long windowEnd;
  public int k;
  public long itemsSeen;
  public int firing;
  public ClickEvent[] events;
  public long exactItemsSeen = -1;
  public long[] datasketchesEventIds;

  public WindowSample() {}

  public WindowSample(long windowStart, long windowEnd, int k, long itemsSeen, int firing, ClickEvent[] events) {
    this.windowStart = windowStart;
    this.windowEnd = windowEnd;
    this.k = k;
    this.itemsSeen = itemsSeen;
    this.firing = firing;
    this.events = events;
  }

  @Override
  public String key() {
    return Long.toString(windowStart);
  }

  @Override
  public long version() {
    return firing;
  }

  @Override
  public String toJson() {
    StringBuilder sample = new StringBuilder("[");
    for (int i = 0; i < events.length; i++) {
      sample.append(i == 0 ? "" : ",").append(events[i].toJson());
    }
    Json json =
        Json.object()
            .field("windowStart", windowStart)
            .field("windowEnd", windowEnd)
            .field("k", k)
            .field("itemsSeen", itemsSeen)
            .field("firing", firing)
            .rawField("events", sample.append(']').toString());
    if (datasketchesEventIds != null) {
      json.field("exactItemsSeen", exactItemsSeen).rawField("datasketchesEventIds", Arrays.toString(datasketchesEventIds));
    }
    return json.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof WindowSample that
        && windowStart == that.windowStart
        && windowEnd == that.windowEnd
        && k == that.k
        && itemsSeen == that.itemsSeen
        && firing == that.firing
        && Arrays.equals(events, that.events)
        && exactItemsSeen == that.exactItemsSeen
        && Arrays.equals(datasketchesEventIds, that.datasketchesEventIds);
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
