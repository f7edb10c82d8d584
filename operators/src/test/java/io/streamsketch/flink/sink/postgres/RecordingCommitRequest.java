package io.streamsketch.flink.sink.postgres;

import org.apache.flink.api.connector.sink2.Committer.CommitRequest;

/** A commit request that records how the committer signalled it, as Flink's committer operator would see it. */
final class RecordingCommitRequest implements CommitRequest<PostgresCommittable> {
  enum Outcome { COMMITTED, ALREADY_COMMITTED, RETRY_LATER, FAILED_KNOWN, FAILED_UNKNOWN }

  private final PostgresCommittable committable;
  private int retries;
  Outcome outcome = Outcome.COMMITTED;
  Throwable failure;

  RecordingCommitRequest(PostgresCommittable committable) {
    this.committable = committable;
  }

  /** Ready for another call to commit, as Flink does after retryLater(). */
  void resetForRetry() {
    outcome = Outcome.COMMITTED;
  }

  @Override
  public PostgresCommittable getCommittable() {
    return committable;
  }

  @Override
  public int getNumberOfRetries() {
    return retries;
  }

  @Override
  public void signalFailedWithKnownReason(Throwable t) {
    outcome = Outcome.FAILED_KNOWN;
    failure = t;
  }

  @Override
  public void signalFailedWithUnknownReason(Throwable t) {
    outcome = Outcome.FAILED_UNKNOWN;
    failure = t;
  }

  @Override
  public void retryLater() {
    outcome = Outcome.RETRY_LATER;
    retries++;
  }

  @Override
  public void updateAndRetryLater(PostgresCommittable committable) {
    throw new UnsupportedOperationException("the PostgreSQL committer never replaces a committable");
  }

  @Override
  public void signalAlreadyCommitted() {
    outcome = Outcome.ALREADY_COMMITTED;
  }
}
