package io.streamsketch.model;

import java.util.Objects;

/**
 * Distinct users of one page (or of all pages, {@code pageId} = {@value #ALL_PAGES}) in one event-time window, as of
 * one firing of that window (the highest {@code firing} stands, as in {@link PageWindowCount}).
 *
 * <p>{@code estimate} is the HyperLogLog estimate, and [{@code lowerBound}, {@code upperBound}] its confidence bounds
 * at 3 standard deviations ({@link io.streamsketch.sketch.hll.HyperLogLog#lowerBound}): while the sketch is sparse,
 * from the number of distinct hashes seen (nearly exact); once dense, from the relative standard error. In exact mode
 * all three are the exact count. With {@code --verify}, {@code exact} and
 * {@code datasketches} are the exact count and Apache DataSketches' HLL estimate over the same window; else −1.
 */
public class UniqueVisitors implements Result {
  public static final String ALL_PAGES = "*";

  public String pageId;
  /** Inclusive, epoch milliseconds. */
  public long windowStart;
  /** Exclusive, epoch milliseconds. */
  public long windowEnd;

  public long estimate;
  public long lowerBound;
  public long upperBound;
  public int firing;
  public long exact = -1;
  public long datasketches = -1;

  public UniqueVisitors() {}

  public UniqueVisitors(
      String pageId, long windowStart, long windowEnd, long estimate, long lowerBound, long upperBound, int firing) {
    this.pageId = pageId;
    this.windowStart = windowStart;
    this.windowEnd = windowEnd;
    this.estimate = estimate;
    this.lowerBound = lowerBound;
    this.upperBound = upperBound;
    this.firing = firing;
  }

  @Override
  public String key() {
    return pageId + "@" + windowStart;
  }

  @Override
  public long version() {
    return firing;
  }

  @Override
  public String toJson() {
    Json json =
        Json.object()
            .field("pageId", pageId)
            .field("windowStart", windowStart)
            .field("windowEnd", windowEnd)
            .field("estimate", estimate)
            .field("lowerBound", lowerBound)
            .field("upperBound", upperBound)
            .field("firing", firing);
    if (exact >= 0) {
      json.field("exact", exact).field("datasketches", datasketches);
    }
    return json.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof UniqueVisitors that
        && windowStart == that.windowStart
        && windowEnd == that.windowEnd
        && estimate == that.estimate
        && lowerBound == that.lowerBound
        && upperBound == that.upperBound
        && firing == that.firing
        && exact == that.exact
        && datasketches == that.datasketches
        && Objects.equals(pageId, that.pageId);
  }

  @Override
  public int hashCode() {
    return Objects.hash(pageId, windowStart, windowEnd, estimate, firing);
  }

  @Override
  public String toString() {
    return toJson();
  }
}
