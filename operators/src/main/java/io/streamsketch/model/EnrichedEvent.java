package io.streamsketch.model;

import java.util.Objects;

/**
 * A click event joined with its page's row of the page dimension. {@code category} and {@code title} are null when
 * a left outer join found no row for the page.
 */
public class EnrichedEvent implements OutputRecord {
  public long eventId;
  public String userId;
  public String pageId;
  public EventKind kind;
  public String adId;
  /** Epoch milliseconds. */
  public long eventTime;
  /** The page's category, or null when no row of the dimension has this page. */
  public String category;
  /** The page's title, or null when no row of the dimension has this page. */
  public String title;

  public EnrichedEvent() {}

  /** The event with the page's fields, or with null page fields when {@code page} is null. */
  public static EnrichedEvent of(ClickEvent event, Page page) {
    EnrichedEvent enriched = new EnrichedEvent();
    enriched.eventId = event.eventId;
    enriched.userId = event.userId;
    enriched.pageId = event.pageId;
    enriched.kind = event.kind;
    enriched.adId = event.adId;
    enriched.eventTime = event.eventTime;
    if (page != null) {
      enriched.category = page.category;
      enriched.title = page.title;
    }
    return enriched;
  }

  @Override
  public String key() {
    return Long.toString(eventId);
  }

  @Override
  public String toJson() {
    return Json.object()
        .field("eventId", eventId)
        .field("userId", userId)
        .field("pageId", pageId)
        .field("kind", kind.name())
        .field("adId", adId)
        .field("eventTime", eventTime)
        .field("category", category)
        .field("title", title)
        .toString();
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof EnrichedEvent)) {
      return false;
    }
    EnrichedEvent that = (EnrichedEvent) o;
    return eventId == that.eventId
        && eventTime == that.eventTime
        && Objects.equals(userId, that.userId)
        && Objects.equals(pageId, that.pageId)
        && kind == that.kind
        && Objects.equals(adId, that.adId)
        && Objects.equals(category, that.category)
        && Objects.equals(title, that.title);
  }

  @Override
  public int hashCode() {
    return Objects.hash(eventId, userId, pageId, kind, adId, eventTime, category, title);
  }

  @Override
  public String toString() {
    return toJson();
  }
}
