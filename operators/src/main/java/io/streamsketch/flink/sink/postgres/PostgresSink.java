package io.streamsketch.flink.sink.postgres;

import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.api.connector.sink2.CommitterInitContext;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.api.connector.sink2.SupportsCommitter;
import org.apache.flink.api.connector.sink2.SupportsWriterState;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.metrics.Counter;

/**
 * An exactly-once sink into one PostgreSQL table, by two-phase commit: each writer subtask stages its rows in one
 * transaction per checkpoint and prepares it at the barrier; the committer commits it once the checkpoint is
 * complete and merges the rows into the table (README.md, section PostgreSQL).
 *
 * <pre>{@code
 * PostgresSink<PageWindowCount> sink = PostgresSink.<PageWindowCount>builder()
 *     .jdbcUrl("jdbc:postgresql://localhost:5432/postgres").user("postgres").passwordEnv("PGPASSWORD")
 *     .sinkId("windowed-counts.counts").table("windowed_counts")
 *     .rowMapper(PostgresRowMapper.upsert(PageWindowCount::key, c -> c.firing, PageWindowCount::toJson))
 *     .build();
 * sink.prepareDatabase();   // before the job starts: a clear error if unreachable or incompatible
 * counts.sinkTo(sink).name("counts to PostgreSQL").uid("counts-postgres");
 * }</pre>
 */
public class PostgresSink<T>
    implements Sink<T>, SupportsCommitter<PostgresCommittable>, SupportsWriterState<T, PostgresWriterState> {
  private static final long serialVersionUID = 1L;

  /** Default limit on a record's JSON: larger ones go to the rejected table. */
  public static final int DEFAULT_MAX_PAYLOAD_BYTES = 1 << 20;
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
  /** The writer's counter of records moved to the rejected table. */
  public static final String REJECTED_RECORDS_METRIC = "numRecordsRejected";

  private final PostgresConnectionOptions connectionOptions;
  private final PostgresTables tables;
  private final PostgresRowMapper<T> rowMapper;
  private final String sinkId;
  private final int maxPayloadBytes;
  private final CommitBackoff commitBackoff;

  PostgresSink(
      PostgresConnectionOptions connectionOptions,
      PostgresTables tables,
      PostgresRowMapper<T> rowMapper,
      String sinkId,
      int maxPayloadBytes,
      CommitBackoff commitBackoff) {
    this.connectionOptions = connectionOptions;
    this.tables = tables;
    this.rowMapper = rowMapper;
    this.sinkId = sinkId;
    this.maxPayloadBytes = maxPayloadBytes;
    this.commitBackoff = commitBackoff;
  }

  public static <T> PostgresSinkBuilder<T> builder() {
    return new PostgresSinkBuilder<>();
  }

  public String sinkId() {
    return sinkId;
  }

  /** The table the results land in. */
  public String table() {
    return tables.target();
  }

  /** The SQL that creates this sink's tables when absent, for documentation and tools. */
  public List<String> ddl() {
    return tables.ddl();
  }

  /**
   * Checks, before the job starts, what the writers would find at their start: that the server is reachable within
   * the connect timeout, allows prepared transactions, and that the tables exist (created if absent) with a
   * compatible schema. Throws a {@link PostgresSinkException} with a one-line message otherwise.
   */
  public void prepareDatabase() {
    try (Connection connection = connectionOptions.open("streamsketch-sink-" + sinkId + "-check")) {
      try (Statement statement = connection.createStatement();
          ResultSet rs = statement.executeQuery("SHOW max_prepared_transactions")) {
        rs.next();
        if (rs.getInt(1) == 0) {
          throw new PostgresSinkException("PostgreSQL at " + connectionOptions.displayUrl()
              + " has max_prepared_transactions = 0, so the sink cannot prepare transactions: set it to at least"
              + " 2 x the sink's parallelism x the number of PostgreSQL outputs, and restart the server");
        }
      }
      tables.createOrCheck(connection);
    } catch (SQLException e) {
      throw new PostgresSinkException("PostgreSQL sink " + sinkId + " could not check its tables at "
          + connectionOptions.displayUrl() + ": " + PostgresConnectionOptions.oneLine(e) + " (SQLSTATE "
          + e.getSQLState() + ")", e);
    }
  }

  @Override
  public PostgresWriter<T> createWriter(WriterInitContext context) throws IOException {
    return restoreWriter(context, List.of());
  }

  @Override
  public PostgresWriter<T> restoreWriter(WriterInitContext context, Collection<PostgresWriterState> restoredState)
      throws IOException {
    Counter rejected = context.metricGroup().counter(REJECTED_RECORDS_METRIC);
    return new PostgresWriter<>(
        connectionOptions,
        tables,
        rowMapper,
        sinkId,
        maxPayloadBytes,
        context.getTaskInfo().getIndexOfThisSubtask(),
        context.getTaskInfo().getNumberOfParallelSubtasks(),
        context.getRestoredCheckpointId(),
        restoredState,
        context.metricGroup().getNumRecordsSendCounter(),
        rejected);
  }

  @Override
  public SimpleVersionedSerializer<PostgresWriterState> getWriterStateSerializer() {
    return new PostgresWriterStateSerializer();
  }

  @Override
  public Committer<PostgresCommittable> createCommitter(CommitterInitContext context) {
    return new PostgresCommitter(connectionOptions, tables, sinkId, commitBackoff, duration -> Thread.sleep(duration.toMillis()));
  }

  @Override
  public SimpleVersionedSerializer<PostgresCommittable> getCommittableSerializer() {
    return new PostgresCommittableSerializer();
  }
}
