package io.streamsketch.flink.sink.postgres;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.flink.api.connector.sink2.CommittingSinkWriter;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.metrics.Counter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stages one subtask's rows in one transaction per checkpoint and prepares it ({@code PREPARE TRANSACTION}) at the
 * checkpoint barrier, or at the end of a bounded input. The transaction is opened by the first row, so an idle
 * subtask prepares nothing.
 *
 * <p>On start it rolls back the prepared transactions of this sink that no restored committable can own: after a
 * restore from checkpoint C those of the restored writers labelled after C; on a fresh start all of this subtask's
 * share (subtask index modulo parallelism). Committables up to C are committed by the committer.
 */
class PostgresWriter<T>
    implements CommittingSinkWriter<T, PostgresCommittable>, StatefulSinkWriter<T, PostgresWriterState> {
  private static final Logger LOG = LoggerFactory.getLogger(PostgresWriter.class);
  private static final int BATCH_SIZE = 500;
  private static final int PAYLOAD_HEAD_CHARS = 1000;

  private final PostgresConnectionOptions connectionOptions;
  private final PostgresTables tables;
  private final PostgresRowMapper<T> rowMapper;
  private final String sinkId;
  private final int subtask;
  private final int maxPayloadBytes;
  /** Rows staged for the table (Flink's numRecordsSend), and rows staged for the rejected table. */
  private final Counter sentRecords;
  private final Counter rejectedRecords;
  /** Random per writer instance: see {@link TransactionId}. */
  private final String attempt;

  private final Connection connection;
  private final PreparedStatement stage;
  private final PreparedStatement marker;

  /** The label of the next transaction: one past the last checkpoint this writer saw. */
  private long nextCheckpointLabel;
  /** Null while no transaction is open. */
  private TransactionId openTransaction;
  private int stagedRows;
  private int batchedRows;

  PostgresWriter(
      PostgresConnectionOptions connectionOptions,
      PostgresTables tables,
      PostgresRowMapper<T> rowMapper,
      String sinkId,
      int maxPayloadBytes,
      int subtask,
      int parallelism,
      OptionalLong restoredCheckpointId,
      Collection<PostgresWriterState> restoredStates,
      Counter sentRecords,
      Counter rejectedRecords)
      throws IOException {
    this.connectionOptions = connectionOptions;
    this.tables = tables;
    this.rowMapper = rowMapper;
    this.sinkId = sinkId;
    this.subtask = subtask;
    this.maxPayloadBytes = maxPayloadBytes;
    this.sentRecords = sentRecords;
    this.rejectedRecords = rejectedRecords;
    this.attempt = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()).substring(4);
    this.nextCheckpointLabel = restoredCheckpointId.orElse(0L) + 1;
    this.connection = connectionOptions.open("streamsketch-sink-" + sinkId + "-" + subtask);
    try {
      tables.createOrCheck(connection);
      rollBackOrphans(parallelism, restoredCheckpointId, restoredStates);
      connection.setAutoCommit(false);
      stage = connection.prepareStatement(tables.insertStagedSql());
      marker = connection.prepareStatement(tables.insertMarkerSql());
    } catch (SQLException e) {
      closeQuietly();
      throw new IOException(describe("could not prepare", e), e);
    } catch (RuntimeException e) {
      closeQuietly();
      throw e;
    }
  }

  private void rollBackOrphans(int parallelism, OptionalLong restoredCheckpointId, Collection<PostgresWriterState> restored)
      throws SQLException {
    Set<PostgresWriterState> writers = new HashSet<>(restored);
    writers.add(new PostgresWriterState(sinkId, subtask));
    List<String> orphans = new ArrayList<>();
    try (Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery("SELECT gid FROM pg_prepared_xacts WHERE database = current_database()")) {
      while (rs.next()) {
        String gid = rs.getString(1);
        TransactionId.parse(gid).filter(id -> isOrphan(id, parallelism, restoredCheckpointId, writers))
            .ifPresent(id -> orphans.add(gid));
      }
    }
    for (String gid : orphans) {
      try (Statement statement = connection.createStatement()) {
        statement.execute("ROLLBACK PREPARED '" + gid + "'");
        LOG.info("Rolled back prepared transaction {}, which no restored committable owns", gid);
      } catch (SQLException e) {
        // Another subtask may have rolled it back first (same after a rescale).
        if (!"42704".equals(e.getSQLState())) {
          throw e;
        }
      }
    }
  }

  private boolean isOrphan(TransactionId id, int parallelism, OptionalLong restoredCheckpointId, Set<PostgresWriterState> writers) {
    if (restoredCheckpointId.isEmpty()) {
      return id.sinkId().equals(sinkId) && id.subtask() % parallelism == subtask;
    }
    return writers.contains(new PostgresWriterState(id.sinkId(), id.subtask()))
        && id.checkpoint() > restoredCheckpointId.getAsLong();
  }

  @Override
  public void write(T record, Context context) throws IOException {
    PostgresRow row = rowMapper.toRow(record);
    try {
      if (openTransaction == null) {
        openTransaction = new TransactionId(sinkId, subtask, nextCheckpointLabel, attempt);
        stagedRows = 0;
      }
      stage(row);
      if (++batchedRows >= BATCH_SIZE) {
        executeBatch();
      }
    } catch (SQLException e) {
      throw new IOException(describe("could not stage a row", e), e);
    }
  }

  private void stage(PostgresRow row) throws SQLException {
    String payload = row.payload();
    // Most payloads are ASCII: encode only those that may be over the limit.
    int bytes = payload.length() * 3 <= maxPayloadBytes
        ? payload.length()
        : payload.getBytes(StandardCharsets.UTF_8).length;
    String rejection = null;
    if (bytes > maxPayloadBytes) {
      rejection = "payload of " + bytes + " bytes exceeds the sink's limit of " + maxPayloadBytes + " bytes";
    } else if (payload.contains("\\u0000")) {
      rejection = "payload contains \\u0000, which a jsonb column cannot store";
    }
    stage.setString(1, openTransaction.toString());
    stage.setInt(2, stagedRows++);
    stage.setString(3, row.key());
    stage.setLong(4, row.revision());
    if (rejection == null) {
      sentRecords.inc();
      stage.setString(5, payload);
      stage.setNull(6, java.sql.Types.VARCHAR);
      stage.setInt(7, bytes);
      stage.setNull(8, java.sql.Types.VARCHAR);
    } else {
      rejectedRecords.inc();
      LOG.warn("Rejected record {} for table {}: {}", row.key(), tables.target(), rejection);
      stage.setNull(5, java.sql.Types.VARCHAR);
      stage.setString(6, rejection);
      stage.setInt(7, bytes);
      stage.setString(8, payload.substring(0, Math.min(payload.length(), PAYLOAD_HEAD_CHARS)));
    }
    stage.addBatch();
  }

  private void executeBatch() throws SQLException {
    if (batchedRows > 0) {
      stage.executeBatch();
      batchedRows = 0;
    }
  }

  @Override
  public void flush(boolean endOfInput) throws IOException {
    try {
      executeBatch();
    } catch (SQLException e) {
      throw new IOException(describe("could not stage rows", e), e);
    }
  }

  @Override
  public Collection<PostgresCommittable> prepareCommit() throws IOException {
    if (openTransaction == null) {
      return List.of();
    }
    TransactionId id = openTransaction;
    try {
      executeBatch();
      marker.setString(1, id.toString());
      marker.setString(2, sinkId);
      marker.setString(3, tables.target());
      marker.setInt(4, subtask);
      marker.setLong(5, id.checkpoint());
      marker.setLong(6, stagedRows);
      marker.executeUpdate();
      try (Statement statement = connection.createStatement()) {
        statement.execute("PREPARE TRANSACTION '" + id + "'");
      }
    } catch (SQLException e) {
      throw new IOException(describe("could not prepare transaction " + id, e), e);
    }
    openTransaction = null;
    nextCheckpointLabel = id.checkpoint() + 1;
    LOG.debug("Prepared transaction {} with {} rows", id, stagedRows);
    return List.of(new PostgresCommittable(id.toString(), stagedRows));
  }

  @Override
  public List<PostgresWriterState> snapshotState(long checkpointId) {
    nextCheckpointLabel = Math.max(nextCheckpointLabel, checkpointId + 1);
    return List.of(new PostgresWriterState(sinkId, subtask));
  }

  /** Closing the connection ends an open (unprepared) transaction: the server rolls it back. */
  @Override
  public void close() {
    closeQuietly();
  }

  private void closeQuietly() {
    try {
      connection.close();
    } catch (SQLException | RuntimeException e) {
      LOG.warn("Closing the connection of PostgreSQL sink {} failed: {}", sinkId, e.toString());
    }
  }

  private String describe(String what, SQLException e) {
    return "PostgreSQL sink " + sinkId + " (" + tables.target() + ", subtask " + subtask + ") " + what + ": "
        + PostgresConnectionOptions.oneLine(e) + " (SQLSTATE " + e.getSQLState() + ")";
  }
}
