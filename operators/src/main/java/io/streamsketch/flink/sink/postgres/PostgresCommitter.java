package io.streamsketch.flink.sink.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Collection;
import org.apache.flink.api.connector.sink2.Committer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits prepared transactions ({@code COMMIT PREPARED}) and merges their staged rows into the target table.
 *
 * <p>Idempotent: a second {@code COMMIT PREPARED} of a committed id fails with SQLSTATE 42704, exactly as for a
 * rolled-back one, so the marker row the writer put inside the transaction tells them apart. Committed before
 * (the marker is there): the merge runs again, which changes nothing if it had run. Lost (no marker): the job
 * fails, loudly, rather than go on without those rows. Connection and concurrency errors are retried after a
 * {@link CommitBackoff}; any other error fails the job.
 */
class PostgresCommitter implements Committer<PostgresCommittable> {
  private static final Logger LOG = LoggerFactory.getLogger(PostgresCommitter.class);
  private static final String UNDEFINED_OBJECT = "42704";

  /** Waits between attempts; replaced in tests. */
  interface Sleeper {
    void sleep(Duration duration) throws InterruptedException;
  }

  private final PostgresConnectionOptions connectionOptions;
  private final PostgresTables tables;
  private final String sinkId;
  private final CommitBackoff backoff;
  private final Sleeper sleeper;
  private Connection connection;

  PostgresCommitter(
      PostgresConnectionOptions connectionOptions,
      PostgresTables tables,
      String sinkId,
      CommitBackoff backoff,
      Sleeper sleeper) {
    this.connectionOptions = connectionOptions;
    this.tables = tables;
    this.sinkId = sinkId;
    this.backoff = backoff;
    this.sleeper = sleeper;
  }

  @Override
  public void commit(Collection<CommitRequest<PostgresCommittable>> requests) throws InterruptedException {
    for (CommitRequest<PostgresCommittable> request : requests) {
      commit(request);
    }
  }

  private void commit(CommitRequest<PostgresCommittable> request) throws InterruptedException {
    String gid = request.getCommittable().transactionId();
    try {
      Connection c = connection();
      boolean committedNow = commitPrepared(c, gid);
      if (!committedNow && !markerExists(c, gid)) {
        LOG.error("Prepared transaction {} of PostgreSQL sink {} is lost", gid, sinkId);
        request.signalFailedWithUnknownReason(new PostgresSinkException("prepared transaction " + gid
            + " of PostgreSQL sink " + sinkId + " is lost: it is neither prepared nor committed (rolled back by"
            + " hand, by another job with the same sink id, or its marker row in " + tables.markers()
            + " was deleted); failing rather than going on without its rows"));
        return;
      }
      apply(c, gid);
      if (!committedNow) {
        LOG.info("Transaction {} of PostgreSQL sink {} was committed before (its marker row says so)", gid, sinkId);
        request.signalAlreadyCommitted();
      }
    } catch (PostgresSinkException e) {
      retryOrFail(request, e, e.getCause() instanceof SQLException cause ? cause.getSQLState() : null);
    } catch (SQLException e) {
      retryOrFail(request, e, e.getSQLState());
    }
  }

  private void retryOrFail(CommitRequest<PostgresCommittable> request, Exception e, String sqlState)
      throws InterruptedException {
    String gid = request.getCommittable().transactionId();
    closeConnection();
    if (isTransient(sqlState)) {
      Duration wait = backoff.after(request.getNumberOfRetries() + 1);
      LOG.warn("Committing {} of PostgreSQL sink {} failed (attempt {}), retrying in {} ms: {}", gid, sinkId,
          request.getNumberOfRetries() + 1, wait.toMillis(), PostgresConnectionOptions.oneLine(e));
      sleeper.sleep(wait);
      request.retryLater();
    } else {
      request.signalFailedWithUnknownReason(new PostgresSinkException("committing " + gid + " of PostgreSQL sink "
          + sinkId + " failed: " + PostgresConnectionOptions.oneLine(e) + " (SQLSTATE " + sqlState + ")", e));
    }
  }

  /**
   * Connection failures (08), rollbacks for serialization failures and deadlocks between two subtasks' merges
   * (40), resource shortages (53), server shutdown or start-up (57P), lock timeouts (55P03).
   */
  static boolean isTransient(String sqlState) {
    return sqlState != null
        && (sqlState.startsWith("08") || sqlState.startsWith("40") || sqlState.startsWith("53")
            || sqlState.startsWith("57P") || sqlState.equals("55P03"));
  }

  /** True if this call committed it, false if it was not prepared (SQLSTATE 42704). */
  private static boolean commitPrepared(Connection c, String gid) throws SQLException {
    try (Statement statement = c.createStatement()) {
      statement.execute("COMMIT PREPARED '" + gid + "'");
      return true;
    } catch (SQLException e) {
      if (UNDEFINED_OBJECT.equals(e.getSQLState())) {
        return false;
      }
      throw e;
    }
  }

  private boolean markerExists(Connection c, String gid) throws SQLException {
    try (PreparedStatement query = c.prepareStatement(tables.markerExistsSql())) {
      query.setString(1, gid);
      try (ResultSet rs = query.executeQuery()) {
        return rs.next();
      }
    }
  }

  private void apply(Connection c, String gid) throws SQLException {
    c.setAutoCommit(false);
    try {
      for (String sql : tables.applySql()) {
        try (PreparedStatement statement = c.prepareStatement(sql)) {
          statement.setString(1, gid);
          statement.executeUpdate();
        }
      }
      c.commit();
    } catch (SQLException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(true);
    }
  }

  private Connection connection() {
    if (connection == null) {
      connection = connectionOptions.open("streamsketch-committer-" + sinkId);
    }
    return connection;
  }

  private void closeConnection() {
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException e) {
        LOG.debug("Closing a failed committer connection: {}", e.toString());
      }
      connection = null;
    }
  }

  @Override
  public void close() {
    closeConnection();
  }
}
