package io.streamsketch.generator;

import io.streamsketch.model.ClickEvent;
import io.streamsketch.model.EventKind;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * A deterministic, sequential clickstream: the same {@link GeneratorConfig} gives the same events in the same
 * arrival order on every JVM.
 *
 * <h2>Traffic model</h2>
 *
 * <ul>
 *   <li>Users browse in sessions. About {@code min(2000, users / 5)} sessions run at once; when one ends, another
 *       starts for a user drawn from a Zipf(0.9) distribution who is not already browsing.
 *   <li>A session has 1 + Geometric(mean 15) events (at most 200). Think times between them are 1 s plus an
 *       exponential of mean 30 s, capped at 10 min, so a session never has an inner gap of 30 min.
 *   <li>A user's next session starts at least 31 min (plus an exponential of mean 30 min) after the last event of the
 *       previous one: sessions of a user are separated by gaps of more than 30 min.
 *   <li>Each step is a {@code VIEW} of a Zipf(1.1) page. With probability 0.3 a view is followed by an
 *       {@code AD_IMPRESSION} on that page of a Zipf(1.0) ad, and with probability 0.1 an impression is followed by
 *       an {@code AD_CLICK} on that ad 1 to 60 s later.
 * </ul>
 *
 * <h2>Disorder</h2>
 *
 * <ul>
 *   <li>Each event arrives {@code maxDelay * u^2} after its time, u uniform in [0, 1): mostly early, never later than
 *       {@code maxDelay}. Events are emitted in arrival order; {@code eventId} is the arrival position.
 *   <li>With probability {@code lateFraction}, an event (never the first) is one that a device held back: it arrives
 *       now with a timestamp 1 to 2 hours old, later than any allowed lateness.
 * </ul>
 *
 * <p>Each concern draws from its own random stream, so changing the late fraction changes which events are late but
 * not the sessions, and the malformed fraction of text outputs changes nothing here.
 */
public final class ClickstreamGenerator implements Iterator<ClickEvent> {
  private static final double USER_EXPONENT = 0.9;
  private static final double PAGE_EXPONENT = 1.1;
  private static final double AD_EXPONENT = 1.0;
  private static final int MAX_CONCURRENT_SESSIONS = 2000;
  private static final double MEAN_EXTRA_EVENTS = 15;
  private static final int MAX_SESSION_EVENTS = 200;
  private static final long MIN_THINK_MILLIS = 1_000;
  private static final double MEAN_THINK_MILLIS = 30_000;
  private static final long MAX_THINK_MILLIS = 10 * 60_000;
  private static final long MIN_SESSION_GAP_MILLIS = 31 * 60_000;
  private static final double MEAN_EXTRA_GAP_MILLIS = 30 * 60_000;
  private static final double IMPRESSION_PROBABILITY = 0.3;
  private static final double CLICK_PROBABILITY = 0.1;
  private static final long MAX_CLICK_DELAY_MILLIS = 60_000;
  private static final long MIN_LATENESS_MILLIS = 60 * 60_000;
  private static final int BUSY_USER_REDRAWS = 32;

  private final GeneratorConfig config;
  private final SplittableRandom sessionRandom;
  private final SplittableRandom delayRandom;
  private final SplittableRandom lateRandom;
  private final ZipfSampler users;
  private final ZipfSampler pages;
  private final ZipfSampler ads;
  private final String[] pageIds;
  private final String[] adIds;
  /** Per user (rank - 1): when the next session may start; {@code Long.MAX_VALUE} while one runs. */
  private final long[] nextSessionAllowed;

  private final PriorityQueue<Session> sessions =
      new PriorityQueue<>((a, b) -> Long.compare(a.nextEventTime, b.nextEventTime));
  private final PriorityQueue<Arrival> arrivals = new PriorityQueue<>();

  private long generated;
  private long emitted;
  private long arrivalSequence;

  public ClickstreamGenerator(GeneratorConfig config) {
    this.config = config;
    SplittableRandom root = new SplittableRandom(config.seed());
    this.sessionRandom = root.split();
    this.delayRandom = root.split();
    this.lateRandom = root.split();
    this.users = new ZipfSampler(config.users(), USER_EXPONENT);
    this.pages = new ZipfSampler(config.pages(), PAGE_EXPONENT);
    this.ads = new ZipfSampler(config.ads(), AD_EXPONENT);
    this.pageIds = new String[config.pages()];
    for (int rank = 1; rank <= config.pages(); rank++) {
      pageIds[rank - 1] = pageId(rank);
    }
    this.adIds = new String[config.ads()];
    for (int rank = 1; rank <= config.ads(); rank++) {
      adIds[rank - 1] = "ad" + rank;
    }
    this.nextSessionAllowed = new long[config.users()];
    int concurrent = Math.max(1, Math.min(MAX_CONCURRENT_SESSIONS, config.users() / 5));
    for (int i = 0; i < concurrent; i++) {
      // Sessions already running when the stream starts are spread over its first 10 minutes.
      startSession(config.startTime() + sessionRandom.nextLong(10 * 60_000));
    }
  }

  /** The id of the page of Zipf rank {@code rank}: {@code p<rank>}. */
  public static String pageId(int rank) {
    return "p" + rank;
  }

  @Override
  public boolean hasNext() {
    return emitted < config.events();
  }

  @Override
  public ClickEvent next() {
    if (!hasNext()) {
      throw new NoSuchElementException("all " + config.events() + " events were emitted");
    }
    // An event may leave the reorder buffer once nothing generated later can arrive before it.
    while (generated < config.events() && (arrivals.isEmpty() || arrivals.peek().time > sessions.peek().nextEventTime)) {
      generateOne();
    }
    Arrival arrival = arrivals.poll();
    ClickEvent event = arrival.event;
    event.eventId = emitted;
    if (emitted > 0 && lateRandom.nextDouble() < config.lateFraction()) {
      event.eventTime = arrival.time - MIN_LATENESS_MILLIS - lateRandom.nextLong(MIN_LATENESS_MILLIS);
    }
    emitted++;
    return event;
  }

  private void generateOne() {
    Session session = sessions.poll();
    long time = session.nextEventTime;
    ClickEvent event;
    long think;
    if (session.pendingKind == EventKind.VIEW) {
      session.pageId = pageIds[pages.sample(sessionRandom) - 1];
      event = new ClickEvent(0, session.userId, session.pageId, EventKind.VIEW, null, time);
      if (sessionRandom.nextDouble() < IMPRESSION_PROBABILITY) {
        session.pendingKind = EventKind.AD_IMPRESSION;
        think = 100 + sessionRandom.nextLong(2_000);
      } else {
        think = thinkTime();
      }
    } else if (session.pendingKind == EventKind.AD_IMPRESSION) {
      session.adId = adIds[ads.sample(sessionRandom) - 1];
      event = new ClickEvent(0, session.userId, session.pageId, EventKind.AD_IMPRESSION, session.adId, time);
      if (sessionRandom.nextDouble() < CLICK_PROBABILITY) {
        session.pendingKind = EventKind.AD_CLICK;
        think = MIN_THINK_MILLIS + sessionRandom.nextLong(MAX_CLICK_DELAY_MILLIS - MIN_THINK_MILLIS);
      } else {
        session.pendingKind = EventKind.VIEW;
        think = thinkTime();
      }
    } else {
      event = new ClickEvent(0, session.userId, session.pageId, EventKind.AD_CLICK, session.adId, time);
      session.pendingKind = EventKind.VIEW;
      think = thinkTime();
    }
    generated++;
    long delay = (long) (config.maxDelayMillis() * square(delayRandom.nextDouble()));
    arrivals.add(new Arrival(time + delay, arrivalSequence++, event));

    session.remainingEvents--;
    if (session.remainingEvents > 0) {
      session.nextEventTime = time + think;
      sessions.add(session);
    } else {
      long gap = MIN_SESSION_GAP_MILLIS + (long) exponential(MEAN_EXTRA_GAP_MILLIS);
      nextSessionAllowed[session.userRank - 1] = time + gap;
      startSession(time + (long) exponential(5_000));
    }
  }

  private void startSession(long earliestStart) {
    int rank = users.sample(sessionRandom);
    for (int i = 0; i < BUSY_USER_REDRAWS && nextSessionAllowed[rank - 1] == Long.MAX_VALUE; i++) {
      rank = users.sample(sessionRandom);
    }
    if (nextSessionAllowed[rank - 1] == Long.MAX_VALUE) {
      // Every draw was busy: take the next idle user after the last draw (at most `concurrent` are busy).
      do {
        rank = rank % config.users() + 1;
      } while (nextSessionAllowed[rank - 1] == Long.MAX_VALUE);
    }
    Session session = new Session();
    session.userRank = rank;
    session.userId = "u" + rank;
    session.nextEventTime = Math.max(earliestStart, nextSessionAllowed[rank - 1]);
    session.remainingEvents = 1 + Math.min(MAX_SESSION_EVENTS - 1, geometric(MEAN_EXTRA_EVENTS));
    session.pendingKind = EventKind.VIEW;
    nextSessionAllowed[rank - 1] = Long.MAX_VALUE;
    sessions.add(session);
  }

  private long thinkTime() {
    return Math.min(MAX_THINK_MILLIS, MIN_THINK_MILLIS + (long) exponential(MEAN_THINK_MILLIS));
  }

  private double exponential(double mean) {
    return -mean * Math.log(1.0 - sessionRandom.nextDouble());
  }

  private int geometric(double mean) {
    return (int) Math.min(Integer.MAX_VALUE, Math.floor(exponential(mean)));
  }

  private static double square(double x) {
    return x * x;
  }

  private static final class Session {
    int userRank;
    String userId;
    long nextEventTime;
    int remainingEvents;
    EventKind pendingKind;
    String pageId;
    String adId;
  }

  private record Arrival(long time, long sequence, ClickEvent event) implements Comparable<Arrival> {
    @Override
    public int compareTo(Arrival other) {
      int byTime = Long.compare(time, other.time);
      return byTime != 0 ? byTime : Long.compare(sequence, other.sequence);
    }
  }
}
