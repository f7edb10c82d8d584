package io.streamsketch.model;

import java.util.Objects;

/**
 * Views of one page in one event-time window, as of one firing of that window.
 *
 * <p>{@code firing} is 0 for the firing at the watermark and counts up with each update caused by a late event
 * within the allowed lateness, so for each (pageId, windowStart, windowEnd) the record with the highest firing
 * stands (Spark's "update" output mode).
 */
public class PageWindowCount implements Result {
  public String pageId;
  /** Inclusive, epoch milliseconds. */
  public long windowStart;
  /** Exclusive, epoch milliseconds. */
  public long windowEnd;

  public long views;
  public int firing;

  public PageWindowCount() {}

  public PageWindowCount(String pageId, long windowStart, long windowEnd, long views, int firing) {
    this.pageId = pageId;
    this.windowStart = windowStart;
    this.windowEnd = windowEnd;
    this.views = views;
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
    return Json.object()
        .field("pageId", pageId)
        .field("windowStart", windowStart)
        .field("windowEnd", windowEnd)
        .field("views", views)
        .field("firing", firing)
        .toString();
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof PageWindowCount)) {
      return false;
    }
    PageWindowCount that = (PageWindowCount) o;
    return windowStart == that.windowStart
        && windowEnd == that.windowEnd
        && views == that.views
        && firing == that.firing
        && Objects.equals(pageId, that.pageId);
  }

  @Override
  public int hashCode() {
    return Objects.hash(pageId, windowStart, windowEnd, views, firing);
  }

  @Override
  public String toString() {
    return toJson();
  }
}
