package io.streamsketch.flink.sink.postgres;

import io.streamsketch.testing.postgres.PostgresExtension;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.SimpleCounter;

/** Writers, committers and queries against a test class's database. */
final class PostgresSinkTesting {
  private final PostgresExtension postgres;

  PostgresSinkTesting(PostgresExtension postgres) {
    this.postgres = postgres;
  }

  PostgresConnectionOptions options() {
    return new PostgresConnectionOptions(postgres.jdbcUrl(), postgres.user(), null, Duration.ofSeconds(5));
  }

  <T> PostgresWriter<T> writer(String sinkId, PostgresTables tables, PostgresRowMapper<T> mapper, int subtask,
      int parallelism, OptionalLong restoredCheckpoint, Collection<PostgresWriterState> restored) throws Exception {
    return writer(sinkId, tables, mapper, subtask, parallelism, restoredCheckpoint, restored, new SimpleCounter(),
        PostgresSink.DEFAULT_MAX_PAYLOAD_BYTES);
  }

  <T> PostgresWriter<T> writer(String sinkId, PostgresTables tables, PostgresRowMapper<T> mapper, int subtask,
      int parallelism, OptionalLong restoredCheckpoint, Collection<PostgresWriterState> restored, Counter rejected,
      int maxPayloadBytes) throws Exception {
    return new PostgresWriter<>(options(), tables, mapper, sinkId, maxPayloadBytes, subtask, parallelism,
        restoredCheckpoint, restored, new SimpleCounter(), rejected);
  }

  PostgresCommitter committer(String sinkId, PostgresTables tables, List<Duration> sleeps) {
    return new PostgresCommitter(options(), tables, sinkId, CommitBackoff.DEFAULT, sleeps::add);
  }

  RecordingCommitRequest commit(PostgresCommitter committer, PostgresCommittable committable) throws Exception {
    RecordingCommitRequest request = new RecordingCommitRequest(committable);
    committer.commit(List.of(request));
    return request;
  }

  List<String> preparedTransactions() throws SQLException {
    return strings("SELECT gid FROM pg_prepared_xacts WHERE database = current_database() ORDER BY gid");
  }

  List<String> strings(String sql) throws SQLException {
    List<String> values = new ArrayList<>();
    try (Connection c = postgres.dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        values.add(rs.getString(1));
      }
    }
    return values;
  }

  long count(String sql) throws SQLException {
    return Long.parseLong(strings(sql).get(0));
  }

  /** An upsert table's result_key to payload. */
  Map<String, String> table(String table) throws SQLException {
    Map<String, String> rows = new TreeMap<>();
    try (Connection c = postgres.dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT result_key, payload::text FROM " + table)) {
      while (rs.next()) {
        rows.put(rs.getString(1), rs.getString(2));
      }
    }
    return rows;
  }
}
