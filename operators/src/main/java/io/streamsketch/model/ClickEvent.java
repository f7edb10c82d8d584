package io.streamsketch.model;

import java.util.Objects;

/**
 * One clickstream event, the input of every job. A Flink POJO (public fields, public no-arg constructor), so Flink
 * serializes it with its {@code PojoSerializer}, never Kryo.
 *
 * <p>As JSON, one event per line: {@code {"eventId":7,"userId":"u42","pageId":"p3","kind":"AD_CLICK","adId":"ad9",
 * "eventTime":1767225600000}}. {@code adId} is null on a {@code VIEW}.
 */
public class ClickEvent implements OutputRecord {
  /**
   * The earliest valid event time: 1970-01-01T00:00:00Z. With times in [{@code MIN_EVENT_TIME}, {@code
   * MAX_EVENT_TIME}], every window start, end and lateness bound the jobs compute stays far from overflow, and no
   * timestamp collides with Flink's {@code Long.MIN_VALUE} (no timestamp).
   */
  public static final long MIN_EVENT_TIME = 0L;

  /** The latest valid event time: 9999-12-31T23:59:59.999Z. */
  public static final long MAX_EVENT_TIME = 253_402_300_799_999L;

  /** Unique per event. */
  public long eventId;

  public String userId;
  public String pageId;
  public EventKind kind;
  /** The ad shown or clicked; null on a {@code VIEW}. */
  public String adId;
  /** Epoch milliseconds. */
  public long eventTime;

  public ClickEvent() {}

  public ClickEvent(long eventId, String userId, String pageId, EventKind kind, String adId, long eventTime) {
    this.eventId = eventId;
    this.userId = userId;
    this.pageId = pageId;
    this.kind = kind;
    this.adId = adId;
    this.eventTime = eventTime;
  }

  @Override
  public String key() {
    return Long.toString(eventId);
  }

  @Override
  public String toJson() {
    return jsonFields().toString();
  }

  /** The event's fields as an open JSON object, for records that extend the event with fields of their own. */
  Json jsonFields() {
    return Json.object()
        .field("eventId", eventId)
        .field("userId", userId)
        .field("pageId", pageId)
        .field("kind", kind.name())
        .field("adId", adId)
        .field("eventTime", eventTime);
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof ClickEvent)) {
      return false;
    }
    ClickEvent that = (ClickEvent) o;
    return eventId == that.eventId
        && eventTime == that.eventTime
        && Objects.equals(userId, that.userId)
        && Objects.equals(pageId, that.pageId)
        && kind == that.kind
        && Objects.equals(adId, that.adId);
  }

  @Override
  public int hashCode() {
    return Objects.hash(eventId, userId, pageId, kind, adId, eventTime);
  }

  @Override
  public String toString() {
    return toJson();
  }
}
