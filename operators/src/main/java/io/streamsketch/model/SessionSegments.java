package io.streamsketch.model;

import java.util.Arrays;
import java.util.Objects;

/**
 * The session segments after one mini-batch of the {@code session-segments} job: a streaming k-means model over
 * session features, with each centre given back in the features' own units. Parallel arrays, one entry per
 * segment, so that the record stays a Flink POJO (a list of objects would not). Keyed by {@code batchEnd}.
 */
public class SessionSegments implements Result {
  public long batchStart;
  public long batchEnd;
  /** Batches the model has applied, this one included. */
  public long batch;
  /** Sessions of this batch applied to the model. */
  public long sessions;
  /** Sessions applied over the model's life. */
  public long totalSessions;
  /** Each segment's weight: its decayed count of sessions. */
  public double[] weights;
  /** Sessions of this batch assigned to each segment (by the centres before the update). */
  public long[] assigned;
  /** The centres in the features' units (the model clusters log(1 + feature); these are exp(centre) − 1). */
  public double[] events;
  public double[] views;
  public double[] distinctPages;
  public double[] durationSeconds;
  public double[] adClicks;
  /** Whether this batch chose the initial centres. */
  public boolean seeded;
  /** The dying segment moved next to the largest after this batch, or -1. */
  public int dyingSegment;
  /** The largest segment split in two after this batch, or -1. */
  public int splitSegment;

  public SessionSegments() {}

  @Override
  public String key() {
    return "segments@" + batchEnd;
  }

  @Override
  public String toJson() {
    StringBuilder segments = new StringBuilder("[");
    int k = weights == null ? 0 : weights.length;
    for (int c = 0; c < k && events != null; c++) {
      if (c > 0) {
        segments.append(',');
      }
      segments.append(
          Json.object()
              .field("segment", c)
              .field("weight", weights[c])
              .field("assigned", assigned[c])
              .field("events", events[c])
              .field("views", views[c])
              .field("distinctPages", distinctPages[c])
              .field("durationSeconds", durationSeconds[c])
              .field("adClicks", adClicks[c])
              .toString());
    }
    segments.append(']');
    return Json.object()
        .field("batchStart", batchStart)
        .field("batchEnd", batchEnd)
        .field("batch", batch)
        .field("sessions", sessions)
        .field("totalSessions", totalSessions)
        .rawField("segments", segments.toString())
        .field("seeded", seeded)
        .field("dyingSegment", dyingSegment)
        .field("splitSegment", splitSegment)
        .toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SessionSegments that
        && batchStart == that.batchStart
        && batchEnd == that.batchEnd
        && batch == that.batch
        && sessions == that.sessions
        && totalSessions == that.totalSessions
        && seeded == that.seeded
        && dyingSegment == that.dyingSegment
        && splitSegment == that.splitSegment
        && Arrays.equals(weights, that.weights)
        && Arrays.equals(assigned, that.assigned)
        && Arrays.equals(events, that.events)
        && Arrays.equals(views, that.views)
        && Arrays.equals(distinctPages, that.distinctPages)
        && Arrays.equals(durationSeconds, that.durationSeconds)
        && Arrays.equals(adClicks, that.adClicks);
  }

  @Override
  public int hashCode() {
    return Objects.hash(batchEnd, batch);
  }

  @Override
  public String toString() {
    return toJson();
  }
}
