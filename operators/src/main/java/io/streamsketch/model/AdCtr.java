package io.streamsketch.model;

import java.util.Objects;

/**
 * The click-through rate of one ad in one event-time window of impression time: all impressions in the window, the
 * impressions among them that at least one click of the same user and ad followed within the join interval, and
 * their ratio.
 */
public class AdCtr implements Result {
  public String adId;
  /** Inclusive, epoch milliseconds. */
  public long windowStart;
  /** Exclusive, epoch milliseconds. */
  public long windowEnd;

  public long impressions;
  public long clickedImpressions;
  /** clickedImpressions / impressions. */
  public double ctr;

  public AdCtr() {}

  public AdCtr(String adId, long windowStart, long windowEnd, long impressions, long clickedImpressions) {
    this.adId = adId;
    this.windowStart = windowStart;
    this.windowEnd = windowEnd;
    this.impressions = impressions;
    this.clickedImpressions = clickedImpressions;
    this.ctr = impressions == 0 ? 0.0 : (double) clickedImpressions / impressions;
  }

  @Override
  public String key() {
    return adId + "@" + windowStart;
  }

  @Override
  public String toJson() {
    return Json.object()
        .field("adId", adId)
        .field("windowStart", windowStart)
        .field("windowEnd", windowEnd)
        .field("impressions", impressions)
        .field("clickedImpressions", clickedImpressions)
        .field("ctr", ctr)
        .toString();
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof AdCtr)) {
      return false;
    }
    AdCtr that = (AdCtr) o;
    return windowStart == that.windowStart
        && windowEnd == that.windowEnd
        && impressions == that.impressions
        && clickedImpressions == that.clickedImpressions
        && Double.compare(ctr, that.ctr) == 0
        && Objects.equals(adId, that.adId);
  }

  @Override
  public int hashCode() {
    return Objects.hash(adId, windowStart, windowEnd, impressions, clickedImpressions, ctr);
  }

  @Override
  public String toString() {
    return toJson();
  }
}
