package io.streamsketch.jobs.runtime;

import io.streamsketch.flink.sink.postgres.PostgresRowMapper;
import io.streamsketch.flink.sink.postgres.PostgresSink;
import io.streamsketch.flink.sink.postgres.PostgresSinkException;
import io.streamsketch.jobs.cli.UsageException;
import io.streamsketch.model.DeadLetter;
import io.streamsketch.model.OutputRecord;
import io.streamsketch.model.Result;
import java.util.Map;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * {@code --sink postgres}: each output to its own table (the output's name with {@code -} as {@code _}) through the
 * two-phase-commit {@link PostgresSink}, exactly once. A {@link Result} is upserted by its key, never replaced by a
 * lower version; other records are appended under the SHA-256 of their JSON, so a replay adds nothing. Each table is
 * created or checked before the job starts: an unreachable server or an incompatible table is one line, exit 2.
 */
final class PostgresOutputs implements OutputSink {
  private final String job;
  private final String jdbcUrl;
  private final String user;
  private final String passwordEnv;

  PostgresOutputs(String job, String jdbcUrl, String user, String passwordEnv) {
    this.job = job;
    this.jdbcUrl = jdbcUrl;
    this.user = user;
    this.passwordEnv = passwordEnv;
  }

  @Override
  public <T extends OutputRecord> DataStream<DeadLetter> write(DataStream<T> records, String output) {
    PostgresSink<T> sink;
    try {
      sink =
          PostgresSink.<T>builder()
              .jdbcUrl(jdbcUrl)
              .user(user)
              .passwordEnv(passwordEnv)
              .forOutput(job, output)
              .rowMapper(rowMapper(records))
              .build();
      sink.prepareDatabase();
    } catch (IllegalArgumentException | PostgresSinkException e) {
      throw new UsageException(job + ": --sink postgres: " + e.getMessage());
    }
    records.sinkTo(sink).uid("postgres-" + output).name("postgres-" + output);
    // Records too large for a table go to its <table>_rejected table, inside the sink's own transactions.
    return null;
  }

  private static <T extends OutputRecord> PostgresRowMapper<T> rowMapper(DataStream<T> records) {
    if (Result.class.isAssignableFrom(records.getType().getTypeClass())) {
      return PostgresRowMapper.upsert(OutputRecord::key, OutputRecord::version, OutputRecord::toJson);
    }
    return PostgresRowMapper.append(OutputRecord::toJson);
  }

  @Override
  public Map<String, String> restoreBoundOptions() {
    return Map.of("sink", "postgres", "jdbc-url", jdbcUrl);
  }

  @Override
  public String location() {
    return "PostgreSQL tables at " + jdbcUrl;
  }
}
