package io.streamsketch.flink.sessions;

import io.streamsketch.model.ClickEvent;
import io.streamsketch.model.SessionSummary;
import java.util.HashSet;
import java.util.Set;

/**
 * The aggregates of one session, never its events: a Flink POJO shared by the {@link Sessionizer} and the built-in
 * session windows' {@link SessionAggregate}, so both compute exactly the same summary.
 *
 * <p>Distinct pages are a set inside the POJO rather than a {@code MapState} per session: a session has few pages
 * (the generator's have at most 200 events, 16 on average), so rewriting the set with the session on each event is
 * cheaper on RocksDB than one more state entry per page and a scan to clear them.
 */
public class SessionAccumulator {
  /** Time of the first event; meaningless while {@code events == 0}. */
  public long start;
  /** Time of the last event. */
  public long end;

  public long firstEventId;
  public long lastEventId;
  public String entryPage;
  public String exitPage;

  public long events;
  public long views;
  public long adImpressions;
  public long adClicks;
  public Set<String> pages = new HashSet<>();

  /** The last revision emitted for this session's (user, start), or -1 if it was never emitted. */
  public int revision = -1;

  public SessionAccumulator() {}

  public static SessionAccumulator of(ClickEvent event) {
    SessionAccumulator session = new SessionAccumulator();
    session.add(event);
    return session;
  }

  public void add(ClickEvent event) {
    if (events == 0 || precedes(event.eventTime, event.eventId, start, firstEventId)) {
      start = event.eventTime;
      firstEventId = event.eventId;
      entryPage = event.pageId;
    }
    if (events == 0 || precedes(end, lastEventId, event.eventTime, event.eventId)) {
      end = event.eventTime;
      lastEventId = event.eventId;
      exitPage = event.pageId;
    }
    events++;
    switch (event.kind) {
      case VIEW -> views++;
      case AD_IMPRESSION -> adImpressions++;
      case AD_CLICK -> adClicks++;
    }
    pages.add(event.pageId);
  }

  /** Adds {@code other}'s aggregates to this one's; the revision is the caller's business. */
  public void merge(SessionAccumulator other) {
    if (other.events == 0) {
      return;
    }
    if (events == 0 || precedes(other.start, other.firstEventId, start, firstEventId)) {
      start = other.start;
      firstEventId = other.firstEventId;
      entryPage = other.entryPage;
    }
    if (events == 0 || precedes(end, lastEventId, other.end, other.lastEventId)) {
      end = other.end;
      lastEventId = other.lastEventId;
      exitPage = other.exitPage;
    }
    events += other.events;
    views += other.views;
    adImpressions += other.adImpressions;
    adClicks += other.adClicks;
    pages.addAll(other.pages);
  }

  public SessionSummary toSummary(String userId, int summaryRevision, boolean retracted) {
    SessionSummary summary = new SessionSummary();
    summary.userId = userId;
    summary.sessionStart = start;
    summary.sessionEnd = end;
    summary.events = events;
    summary.views = views;
    summary.adImpressions = adImpressions;
    summary.adClicks = adClicks;
    summary.distinctPages = pages.size();
    summary.entryPage = entryPage;
    summary.exitPage = exitPage;
    summary.revision = summaryRevision;
    summary.retracted = retracted;
    return summary;
  }

  /** Event order by time, then id: entry and exit pages do not depend on arrival or merge order. */
  private static boolean precedes(long time, long id, long otherTime, long otherId) {
    return time < otherTime || (time == otherTime && id < otherId);
  }
}
