package io.streamsketch.jobs.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsketch.testing.postgres.PostgresExtension;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code --sink postgres} under failures (see {@link SinkFailureInjection}): every table holds the rows of a run
 * without failures, each once, and no prepared transaction, staged row or rejected record is left. Each run writes
 * to its own schema ({@code currentSchema} in the JDBC URL), since the tables are named after the outputs.
 */
class PostgresSinkFailureIT extends SinkFailureInjection {
  @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();

  @Override
  List<String> sinkOptions(String run) throws Exception {
    String schema = schema(run);
    POSTGRES.execute("CREATE SCHEMA IF NOT EXISTS " + schema);
    String url = POSTGRES.jdbcUrl() + (POSTGRES.jdbcUrl().contains("?") ? "&" : "?") + "currentSchema=" + schema;
    return List.of("--sink", "postgres", "--jdbc-url", url, "--jdbc-user", POSTGRES.user());
  }

  @Override
  Map<String, List<String>> committedOutputs(String run) throws Exception {
    String schema = schema(run);
    Map<String, List<String>> outputs = new TreeMap<>();
    try (Connection connection = POSTGRES.dataSource().getConnection();
        Statement statement = connection.createStatement()) {
      assertThat(strings(statement, "SELECT gid FROM pg_prepared_xacts WHERE database = current_database()"))
          .as("prepared transactions left").isEmpty();
      List<String> tables =
          strings(statement, "SELECT table_name FROM information_schema.tables WHERE table_schema = '" + schema + "'");
      for (String table : tables) {
        if (table.endsWith("_staging") || table.endsWith("_rejected")) {
          assertThat(strings(statement, "SELECT row_key FROM " + schema + "." + table))
              .as(table + " is empty").isEmpty();
        } else if (!table.equals("streamsketch_sink_commits")) {
          boolean upsert = !strings(statement, "SELECT column_name FROM information_schema.columns WHERE table_schema = '"
              + schema + "' AND table_name = '" + table + "' AND column_name = 'revision'").isEmpty();
          String rows = upsert
              ? "SELECT result_key || ' ' || revision || ' ' || payload::text FROM " + schema + "." + table
              : "SELECT record_id || ' ' || payload::text FROM " + schema + "." + table;
          outputs.put(table.replace('_', '-'), strings(statement, rows));
        }
      }
    }
    return outputs;
  }

  private static String schema(String run) {
    return "run_" + run.replaceAll("[^a-zA-Z0-9]", "_").toLowerCase(java.util.Locale.ROOT);
  }

  private static List<String> strings(Statement statement, String sql) throws SQLException {
    List<String> values = new ArrayList<>();
    try (ResultSet rs = statement.executeQuery(sql)) {
      while (rs.next()) {
        values.add(rs.getString(1));
      }
    }
    return values;
  }

  @Test
  void windowedCountsUpsertsEveryResultOnceThroughFailures() throws Exception {
    Map<String, List<String>> outputs = assertExactlyOnceUnderFailures("windowed-counts", 41);
    assertThat(outputs.get("tumbling-counts")).hasSizeGreaterThan(100);
  }

  @Test
  void uniqueVisitorsUpsertsEveryResultOnceThroughFailures() throws Exception {
    Map<String, List<String>> outputs = assertExactlyOnceUnderFailures("unique-visitors", 42);
    assertThat(outputs.get("unique-visitors-global")).hasSizeGreaterThan(5);
  }
}
