package io.streamsketch.flink.sink.postgres;

import java.io.Serializable;
import java.time.Duration;

/**
 * The wait before the committer's next attempt: doubling from {@code initial} up to {@code max}. Flink re-calls
 * {@code commit} at once after {@code retryLater()}, so without it all retries ({@code sink.committer.retries},
 * 10 by default) would be spent within milliseconds of a database restart.
 */
public record CommitBackoff(Duration initial, Duration max) implements Serializable {
  public static final CommitBackoff DEFAULT = new CommitBackoff(Duration.ofMillis(200), Duration.ofSeconds(10));

  public CommitBackoff {
    if (initial.isNegative() || max.compareTo(initial) < 0) {
      throw new IllegalArgumentException("commit backoff needs 0 <= initial <= max, got " + initial + " and " + max);
    }
  }

  /** The wait after the given number of failed attempts (1 for the first retry). */
  public Duration after(int failedAttempts) {
    long millis = initial.toMillis();
    for (int i = 1; i < failedAttempts && millis < max.toMillis(); i++) {
      millis *= 2;
    }
    return Duration.ofMillis(Math.min(millis, max.toMillis()));
  }
}
