package io.streamsketch.flink.sessions;

import io.streamsketch.flink.io.SideOutputs;
import io.streamsketch.flink.state.WriteBackFunction;
import io.streamsketch.flink.state.WriteBackKeyedProcessOperator;
import io.streamsketch.flink.state.WriteBackValueState;
import io.streamsketch.model.ClickEvent;
import io.streamsketch.model.SessionSummary;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Builds each user's sessions in event time, keyed by user, without window merging.
 *
 * <ul>
 *   <li>An event joins every open session it is within {@code gap} of (after its start - gap and before its end +
 *       gap, as Flink's session windows merge), merging them. If the merged session would span more than {@code
 *       maxLength}, the event instead joins the one session it falls inside, else the latest one it can join
 *       without spanning more than {@code maxLength}, else it starts a new session. In order, this splits a session
 *       at its first event more than {@code maxLength} after its start.
 *   <li>A session is <em>due</em> when the watermark reaches end + gap - 1 ms (the {@code maxTimestamp} of Flink's
 *       session window) and is then emitted with revision 0. It is <em>final</em> when the watermark reaches end +
 *       gap - 1 ms + {@code allowedLateness}: its state goes, and a timer only remains if other sessions of the
 *       user do.
 *   <li>A change to an emitted session is emitted at once with the next revision. When a late event moves an
 *       emitted session's start or merges it into another, that session's key (user, start) gets a retraction (its
 *       last fields, the next revision, {@code retracted=true}) just before the merged session is emitted with a
 *       revision above all of theirs.
 *   <li>An event that joins no open session and whose own session would already be final is late: it goes to
 *       {@link SideOutputs#LATE_EVENTS}, as Flink's windows route it.
 * </ul>
 *
 * <p>State is one {@link UserSessions} value per user (aggregates only, never events) and one timer, set lazily:
 * it only moves earlier at once; when it fires early it is set again to the earliest due or final time. The state
 * TTL is processing time (event-time TTL does not exist) and only a guard against a bug leaving state behind; the
 * timers are what clear the state.
 *
 * <p>Run by {@link WriteBackKeyedProcessOperator}, it reads and writes a user's state in memory between checkpoint
 * barriers ({@link WriteBackValueState}); by Flink's {@code KeyedProcessOperator}, in keyed state directly.
 */
public final class Sessionizer extends KeyedProcessFunction<String, ClickEvent, SessionSummary>
    implements WriteBackFunction<String> {
  private static final long serialVersionUID = 1L;

  private final long gap;
  private final long maxLength;
  private final long allowedLateness;
  private final Duration stateTtl;

  private transient ValueState<UserSessions> state;
  /** Under {@link WriteBackKeyedProcessOperator}: the state, held in memory between flushes; else null. */
  private transient WriteBackValueState<String, UserSessions> heldState;

  /**
   * @param stateTtl processing-time TTL of a user's state, a safety net well above any session's life; zero disables
   */
  public Sessionizer(Duration gap, Duration maxLength, Duration allowedLateness, Duration stateTtl) {
    if (gap.isNegative() || gap.isZero() || maxLength.isNegative() || allowedLateness.isNegative()
        || stateTtl.isNegative()) {
      throw new IllegalArgumentException("gap must be positive; max length, lateness and TTL not negative");
    }
    this.gap = gap.toMillis();
    this.maxLength = maxLength.toMillis();
    this.allowedLateness = allowedLateness.toMillis();
    this.stateTtl = stateTtl;
  }

  @Override
  public void open(OpenContext openContext) {
    ValueStateDescriptor<UserSessions> descriptor =
        new ValueStateDescriptor<>("user-sessions", TypeInformation.of(UserSessions.class));
    if (!stateTtl.isZero()) {
      descriptor.enableTimeToLive(
          StateTtlConfig.newBuilder(stateTtl)
              .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
              .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
              .build());
    }
    state = getRuntimeContext().getState(descriptor);
    heldState = null;
  }

  @Override
  public void enableWriteBack() {
    heldState = new WriteBackValueState<>(state, stateTtl);
  }

  @Override
  public int heldKeys() {
    return heldState == null ? 0 : heldState.heldKeys();
  }

  @Override
  public void flush(Consumer<String> setCurrentKey) throws Exception {
    if (heldState != null) {
      heldState.flush(setCurrentKey);
    }
  }

  private UserSessions read(String userId) throws Exception {
    return heldState == null ? state.value() : heldState.value(userId);
  }

  private void write(String userId, UserSessions user) throws Exception {
    if (heldState == null) {
      state.update(user);
    } else {
      heldState.update(userId, user);
    }
  }

  private void clear(String userId) {
    if (heldState == null) {
      state.clear();
    } else {
      heldState.clear(userId);
    }
  }

  @Override
  public void processElement(ClickEvent event, Context ctx, Collector<SessionSummary> out) throws Exception {
    long watermark = ctx.timerService().currentWatermark();
    String userId = ctx.getCurrentKey();
    UserSessions user = read(userId);
    if (user == null) {
      user = new UserSessions();
    }
    List<SessionAccumulator> sessions = user.sessions;
    List<SessionAccumulator> joined = sessionsToJoin(sessions, event.eventTime);
    if (joined.isEmpty() && event.eventTime + gap - 1 + allowedLateness <= watermark) {
      ctx.output(SideOutputs.LATE_EVENTS, event);
      return;
    }

    long newStart = event.eventTime;
    int lastRevision = -1;
    for (SessionAccumulator session : joined) {
      newStart = Math.min(newStart, session.start);
      lastRevision = Math.max(lastRevision, session.revision);
    }
    // Retractions carry the fields last emitted, so they go out before any session changes.
    for (SessionAccumulator session : joined) {
      if (session.revision >= 0 && session.start != newStart) {
        out.collect(session.toSummary(userId, session.revision + 1, true));
      }
    }
    SessionAccumulator merged = joined.isEmpty() ? new SessionAccumulator() : joined.get(0);
    for (int i = 1; i < joined.size(); i++) {
      merged.merge(joined.get(i));
      sessions.remove(joined.get(i));
    }
    merged.add(event);
    merged.revision = lastRevision;
    sessions.remove(merged); // its start may have moved
    insertByStart(sessions, merged);
    if (merged.revision >= 0 || dueTime(merged) <= watermark) {
      merged.revision++;
      out.collect(merged.toSummary(userId, merged.revision, false));
    }

    long next = nextAction(sessions);
    if (next < user.timer) {
      if (user.timer != Long.MAX_VALUE) {
        ctx.timerService().deleteEventTimeTimer(user.timer);
      }
      ctx.timerService().registerEventTimeTimer(next);
      user.timer = next;
    }
    write(userId, user);
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<SessionSummary> out) throws Exception {
    String userId = ctx.getCurrentKey();
    UserSessions user = read(userId);
    if (user == null) {
      return; // expired by the TTL safety net
    }
    // The watermark may have jumped past several due and final times at once: handle them all now.
    long watermark = ctx.timerService().currentWatermark();
    List<SessionAccumulator> open = new ArrayList<>(user.sessions.size());
    for (SessionAccumulator session : user.sessions) {
      if (session.revision < 0 && dueTime(session) <= watermark) {
        session.revision = 0;
        out.collect(session.toSummary(userId, 0, false));
      }
      if (session.revision < 0 || dueTime(session) + allowedLateness > watermark) {
        open.add(session);
      }
    }
    if (open.isEmpty()) {
      clear(userId);
      return;
    }
    user.sessions = open;
    user.timer = nextAction(open);
    ctx.timerService().registerEventTimeTimer(user.timer);
    write(userId, user);
  }

  /**
   * The open sessions {@code time} joins: all those within the gap of it if together they span at most the
   * maximum length, else one (see the class comment), else none. Sorted by start.
   */
  private List<SessionAccumulator> sessionsToJoin(List<SessionAccumulator> sessions, long time) {
    List<SessionAccumulator> withinGap = new ArrayList<>(2);
    long start = time;
    long end = time;
    for (SessionAccumulator session : sessions) {
      if (time > session.start - gap && time < session.end + gap) {
        withinGap.add(session);
        start = Math.min(start, session.start);
        end = Math.max(end, session.end);
      }
    }
    if (end - start <= maxLength) {
      return withinGap;
    }
    for (SessionAccumulator session : withinGap) {
      if (session.start <= time && time <= session.end) {
        return List.of(session);
      }
    }
    for (int i = withinGap.size() - 1; i >= 0; i--) {
      SessionAccumulator session = withinGap.get(i);
      if (Math.max(time, session.end) - Math.min(time, session.start) <= maxLength) {
        return List.of(session);
      }
    }
    return List.of();
  }

  private long dueTime(SessionAccumulator session) {
    return session.end + gap - 1;
  }

  /** The earliest time at which a session becomes due (not yet emitted) or final (emitted). */
  private long nextAction(List<SessionAccumulator> sessions) {
    long next = Long.MAX_VALUE;
    for (SessionAccumulator session : sessions) {
      next = Math.min(next, session.revision < 0 ? dueTime(session) : dueTime(session) + allowedLateness);
    }
    return next;
  }

  private static void insertByStart(List<SessionAccumulator> sessions, SessionAccumulator session) {
    int at = 0;
    while (at < sessions.size() && sessions.get(at).start <= session.start) {
      at++;
    }
    sessions.add(at, session);
  }
}
