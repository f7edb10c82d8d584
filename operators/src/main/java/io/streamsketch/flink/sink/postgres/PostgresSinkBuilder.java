package io.streamsketch.flink.sink.postgres;

import java.time.Duration;
import java.util.Objects;

/** Builds a {@link PostgresSink}; {@link #build()} checks the settings but does not connect. */
public class PostgresSinkBuilder<T> {
  private String jdbcUrl;
  private String user;
  private String passwordEnv;
  private String sinkId;
  private String table;
  private PostgresRowMapper<T> rowMapper;
  private int maxPayloadBytes = PostgresSink.DEFAULT_MAX_PAYLOAD_BYTES;
  private Duration connectTimeout = PostgresSink.DEFAULT_CONNECT_TIMEOUT;
  private CommitBackoff commitBackoff = CommitBackoff.DEFAULT;

  PostgresSinkBuilder() {}

  /** For example {@code jdbc:postgresql://localhost:5432/postgres}. */
  public PostgresSinkBuilder<T> jdbcUrl(String jdbcUrl) {
    this.jdbcUrl = jdbcUrl;
    return this;
  }

  public PostgresSinkBuilder<T> user(String user) {
    this.user = user;
    return this;
  }

  /** The name of the environment variable holding the password; never the password itself. */
  public PostgresSinkBuilder<T> passwordEnv(String passwordEnv) {
    this.passwordEnv = passwordEnv;
    return this;
  }

  /**
   * Identifies this sink's transactions, like KafkaSink's transactionalIdPrefix: stable across restores, unique
   * among the sinks of all jobs running against one server (for example {@code <job>.<output>}).
   */
  public PostgresSinkBuilder<T> sinkId(String sinkId) {
    this.sinkId = sinkId;
    return this;
  }

  /** {@code [schema.]name}, lower case; created if absent. */
  public PostgresSinkBuilder<T> table(String table) {
    this.table = table;
    return this;
  }

  /**
   * Sink id {@code <job>.<output>} and table {@code <output>} with {@code -} turned into {@code _}: the naming the
   * jobs' outputs use (README.md, section PostgreSQL).
   */
  public PostgresSinkBuilder<T> forOutput(String job, String output) {
    this.sinkId = job + "." + output;
    this.table = output.replace('-', '_');
    return this;
  }

  public PostgresSinkBuilder<T> rowMapper(PostgresRowMapper<T> rowMapper) {
    this.rowMapper = rowMapper;
    return this;
  }

  /** Records whose JSON is larger go to the rejected table, counted; default 1 MiB. */
  public PostgresSinkBuilder<T> maxPayloadBytes(int maxPayloadBytes) {
    this.maxPayloadBytes = maxPayloadBytes;
    return this;
  }

  /** How long opening a connection may take before the sink gives up; default 5 s. */
  public PostgresSinkBuilder<T> connectTimeout(Duration connectTimeout) {
    this.connectTimeout = connectTimeout;
    return this;
  }

  public PostgresSinkBuilder<T> commitBackoff(CommitBackoff commitBackoff) {
    this.commitBackoff = commitBackoff;
    return this;
  }

  public PostgresSink<T> build() {
    if (jdbcUrl == null || !jdbcUrl.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException("the PostgreSQL sink needs a jdbc:postgresql: URL, got: " + jdbcUrl);
    }
    if (passwordEnv != null && !passwordEnv.matches("[A-Za-z_][A-Za-z0-9_]*")) {
      throw new IllegalArgumentException("password env must name an environment variable, got: " + passwordEnv);
    }
    Objects.requireNonNull(sinkId, "the PostgreSQL sink needs a sink id");
    if (!TransactionId.SINK_ID.matcher(sinkId).matches()) {
      throw new IllegalArgumentException("sink id must be 1 to 100 of A-Z a-z 0-9 _ . -, got: " + sinkId);
    }
    Objects.requireNonNull(table, "the PostgreSQL sink needs a table");
    Objects.requireNonNull(rowMapper, "the PostgreSQL sink needs a row mapper");
    if (maxPayloadBytes < 1) {
      throw new IllegalArgumentException("max payload bytes must be positive, got: " + maxPayloadBytes);
    }
    if (connectTimeout.isNegative() || connectTimeout.isZero()) {
      throw new IllegalArgumentException("connect timeout must be positive, got: " + connectTimeout);
    }
    return new PostgresSink<>(
        new PostgresConnectionOptions(jdbcUrl, user, passwordEnv, connectTimeout),
        new PostgresTables(table, rowMapper.layout()),
        rowMapper,
        sinkId,
        maxPayloadBytes,
        commitBackoff);
  }
}
