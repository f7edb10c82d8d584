package io.streamsketch.flink.sessions;

import io.streamsketch.model.SessionSummary;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/**
 * Turns a built-in session window's aggregate into a {@link SessionSummary}. Merging windows allow no per-window
 * state, so every firing has revision 0 and nothing is retracted: of a user's firings, those contained in a later,
 * larger window are superseded by it.
 */
public final class SessionWindowSummaries
    extends ProcessWindowFunction<SessionAccumulator, SessionSummary, String, TimeWindow> {
  private static final long serialVersionUID = 1L;

  @Override
  public void process(
      String userId, Context context, Iterable<SessionAccumulator> sessions, Collector<SessionSummary> out) {
    out.collect(sessions.iterator().next().toSummary(userId, 0, false));
  }
}
