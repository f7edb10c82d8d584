package io.streamsketch.flink.sink.postgres;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The global id of a prepared transaction: {@code streamsketch:<sinkId>:<subtask>:<checkpoint>:<attempt>}.
 *
 * <ul>
 *   <li>{@code sinkId} is chosen by the user (like KafkaSink's transactionalIdPrefix), not derived from the JobID,
 *       so a job restored from a savepoint recognises the transactions its earlier run prepared;
 *   <li>{@code checkpoint} is a label no greater than the id of the checkpoint whose state owns the transaction,
 *       which is how recovery tells owned transactions from orphans;
 *   <li>{@code attempt} is random per writer instance, so two runs restored from one savepoint never reuse an id
 *       (a reused id would make a lost transaction look committed through the other run's marker row).
 * </ul>
 *
 * At most 13 + 100 + 1 + 10 + 1 + 19 + 1 + 12 = 157 bytes, under PostgreSQL's limit of 200.
 */
public record TransactionId(String sinkId, int subtask, long checkpoint, String attempt) {
  static final String PREFIX = "streamsketch:";
  static final Pattern SINK_ID = Pattern.compile("[A-Za-z0-9_.-]{1,100}");
  private static final Pattern FORMAT =
      Pattern.compile(Pattern.quote(PREFIX) + "([A-Za-z0-9_.-]{1,100}):(\\d{1,10}):(\\d{1,19}):([0-9a-f]{12})");

  public TransactionId {
    if (!SINK_ID.matcher(sinkId).matches()) {
      throw new IllegalArgumentException("sink id must be 1 to 100 of A-Z a-z 0-9 _ . -, got: " + sinkId);
    }
  }

  @Override
  public String toString() {
    return PREFIX + sinkId + ":" + subtask + ":" + checkpoint + ":" + attempt;
  }

  /** The id, if {@code gid} is one of this sink kind's; empty for any other prepared transaction. */
  public static Optional<TransactionId> parse(String gid) {
    Matcher m = FORMAT.matcher(gid);
    if (!m.matches()) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          new TransactionId(m.group(1), Integer.parseInt(m.group(2)), Long.parseLong(m.group(3)), m.group(4)));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
