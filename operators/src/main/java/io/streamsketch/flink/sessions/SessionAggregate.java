package io.streamsketch.flink.sessions;

import io.streamsketch.model.ClickEvent;
import org.apache.flink.api.common.functions.AggregateFunction;

/** The session aggregate for Flink's built-in session windows, the peer of the {@link Sessionizer}. */
public final class SessionAggregate implements AggregateFunction<ClickEvent, SessionAccumulator, SessionAccumulator> {
  private static final long serialVersionUID = 1L;

  @Override
  public SessionAccumulator createAccumulator() {
    return new SessionAccumulator();
  }

  @Override
  public SessionAccumulator add(ClickEvent event, SessionAccumulator session) {
    session.add(event);
    return session;
  }

  @Override
  public SessionAccumulator getResult(SessionAccumulator session) {
    return session;
  }

  @Override
  public SessionAccumulator merge(SessionAccumulator a, SessionAccumulator b) {
    a.merge(b);
    return a;
  }
}
