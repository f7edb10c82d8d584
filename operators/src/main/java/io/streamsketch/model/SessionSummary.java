package io.streamsketch.model;

import java.util.Objects;

/**
 * One version of one user's browsing session: a changelog record keyed by ({@code userId}, {@code sessionStart}).
 *
 * <p>For each key the record with the highest {@code revision} stands; if that record is {@code retracted}, the
 * session no longer exists (a late event moved its start or merged it into another session). A retraction repeats
 * the fields of the version it withdraws.
 */
public class SessionSummary implements Result {
  public String userId;
  /** Time of the session's first event, epoch milliseconds. */
  public long sessionStart;
  /** Time of the session's last event (inclusive), epoch milliseconds; not last event + gap. */
  public long sessionEnd;

  public long events;
  public long views;
  public long adImpressions;
  public long adClicks;
  public long distinctPages;
  /** Page of the first event (ties: the smaller eventId). */
  public String entryPage;
  /** Page of the last event (ties: the larger eventId). */
  public String exitPage;

  /** 0 for the first emission of this key, then one more for each correction or retraction. */
  public int revision;
  public boolean retracted;

  public SessionSummary() {}

  @Override
  public String key() {
    return userId + "@" + sessionStart;
  }

  @Override
  public long version() {
    return revision;
  }

  @Override
  public String toJson() {
    return Json.object()
        .field("userId", userId)
        .field("sessionStart", sessionStart)
        .field("sessionEnd", sessionEnd)
        .field("events", events)
        .field("views", views)
        .field("adImpressions", adImpressions)
        .field("adClicks", adClicks)
        .field("distinctPages", distinctPages)
        .field("entryPage", entryPage)
        .field("exitPage", exitPage)
        .field("revision", revision)
        .field("retracted", retracted)
        .toString();
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof SessionSummary)) {
      return false;
    }
    SessionSummary that = (SessionSummary) o;
    return sessionStart == that.sessionStart
        && sessionEnd == that.sessionEnd
        && events == that.events
        && views == that.views
        && adImpressions == that.adImpressions
        && adClicks == that.adClicks
        && distinctPages == that.distinctPages
        && revision == that.revision
        && retracted == that.retracted
        && Objects.equals(userId, that.userId)
        && Objects.equals(entryPage, that.entryPage)
        && Objects.equals(exitPage, that.exitPage);
  }

  @Override
  public int hashCode() {
    return Objects.hash(userId, sessionStart, sessionEnd, events, revision, retracted);
  }

  @Override
  public String toString() {
    return toJson();
  }
}
