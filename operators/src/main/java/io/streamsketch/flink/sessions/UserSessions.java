package io.streamsketch.flink.sessions;

import java.util.ArrayList;
import java.util.List;

/**
 * The keyed state of the {@link Sessionizer} for one user: the sessions not yet final, sorted by start, and the time
 * of the user's one event-time timer. One value per user, so an event costs one state read and one write.
 */
public class UserSessions {
  public List<SessionAccumulator> sessions = new ArrayList<>();
  /** The registered timer (Long.MAX_VALUE: none); never later than the earliest due or final time of {@code sessions}. */
  public long timer = Long.MAX_VALUE;

  public UserSessions() {}
}
