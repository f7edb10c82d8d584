package io.streamsketch.model;

import java.util.Arrays;
import java.util.Objects;

/**
 * The most viewed pages of one event-time window, as of one firing of that window (the highest {@code firing}
 * stands), from a Count-Min sketch with heavy-hitter candidates.
 *
 * <p>Each estimate is at least the page's true views and, with probability {@code confidence} (1 − δ) per page, at
 * most {@code errorBound} (ε·N, with N = {@code totalViews}) above them. {@code heavyHitterThreshold} is φ·N: every
 * page with at least that many true views is listed (under the same proviso), marked {@code heavy}.
 *
 * <p>With {@code --verify}, {@code exactTotalViews} is the exact N of the window, and each entry carries its page's
 * exact views ({@code exactViews}) and the estimate of a DataSketches frequent-items sketch ({@code
 * datasketchesEstimates}); without, they are −1 and null, and the JSON leaves them out.
 */
public class TopPages implements Result {
  public long windowStart;
  public long windowEnd;
  public long totalViews;
  public double errorBound;
  public double confidence;
  public double heavyHitterThreshold;
  public int firing;
  /** The pages, most viewed first; {@code estimates[i]} belongs to {@code pageIds[i]}. */
  public String[] pageIds;
  public long[] estimates;
  public long exactTotalViews = -1;
  public long[] exactViews;
  public long[] datasketchesEstimates;

  public TopPages() {}

  public TopPages(
      long windowStart,
      long windowEnd,
      long totalViews,
      double errorBound,
      double confidence,
      double heavyHitterThreshold,
      int firing,
      String[] pageIds,
      long[] estimates) {
    this.windowStart = windowStart;
    this.windowEnd = windowEnd;
    this.totalViews = totalViews;
    this.errorBound = errorBound;
    this.confidence = confidence;
    this.heavyHitterThreshold = heavyHitterThreshold;
    this.firing = firing;
    this.pageIds = pageIds;
    this.estimates = estimates;
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
    StringBuilder entries = new StringBuilder("[");
    for (int i = 0; i < pageIds.length; i++) {
      Json entry =
          Json.object()
              .field("pageId", pageIds[i])
              .field("estimate", estimates[i])
              .field("heavy", estimates[i] >= heavyHitterThreshold);
      if (exactViews != null) {
        entry.field("exact", exactViews[i]).field("datasketches", datasketchesEstimates[i]);
      }
      entries.append(i == 0 ? "" : ",").append(entry);
    }
    Json json =
        Json.object()
            .field("windowStart", windowStart)
            .field("windowEnd", windowEnd)
            .field("totalViews", totalViews)
            .field("errorBound", errorBound)
            .field("confidence", confidence)
            .field("heavyHitterThreshold", heavyHitterThreshold)
            .field("firing", firing)
            .rawField("entries", entries.append(']').toString());
    if (exactTotalViews >= 0) {
      json.field("exactTotalViews", exactTotalViews);
    }
    return json.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TopPages that
        && windowStart == that.windowStart
        && windowEnd == that.windowEnd
        && totalViews == that.totalViews
        && errorBound == that.errorBound
        && confidence == that.confidence
        && heavyHitterThreshold == that.heavyHitterThreshold
        && firing == that.firing
        && Arrays.equals(pageIds, that.pageIds)
        && Arrays.equals(estimates, that.estimates)
        && exactTotalViews == that.exactTotalViews
        && Arrays.equals(exactViews, that.exactViews)
        && Arrays.equals(datasketchesEstimates, that.datasketchesEstimates);
  }

  @Override
  public int hashCode() {
    return Objects.hash(windowStart, windowEnd, totalViews, firing);
  }

  @Override
  public String toString() {
    return toJson();
  }
}
