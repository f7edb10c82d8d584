package io.streamsketch.benchmarks.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Compiled and run only with {@code -Psql-baseline}, like the classes it tests. */
class SqlBaselineTest {
  private static final String[] SIX = {"unique-visitors", "in.jsonl", "out", "rocksdb", "ckpt", "default"};

  @TempDir Path dir;

  @Test
  void sixArgumentsKeepTheDefaults() {
    SqlBaseline.Arguments run = SqlBaseline.Arguments.parse(SIX);

    assertThat(run.job()).isEqualTo(SqlJob.UNIQUE_VISITORS);
    assertThat(run.backend()).isEqualTo("rocksdb");
    assertThat(run.tuning()).isEqualTo("default");
    assertThat(run.checkpointInterval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(run.outputs()).isEqualTo(SqlJob.UNIQUE_VISITORS.outputs());
    assertThat(run.outputs().get("unique-visitors").query()).contains("INTERVAL '1' MINUTE)");
  }

  @Test
  void windowAndCheckpointIntervalInEitherOrder() {
    SqlBaseline.Arguments run = SqlBaseline.Arguments.parse(with("--checkpoint-interval", "1s", "--window", "1h"));

    assertThat(run.checkpointInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(run.outputs().keySet()).containsExactly("unique-visitors", "unique-visitors-global");
    assertThat(run.outputs().values())
        .allSatisfy(output -> assertThat(output.query()).contains("INTERVAL '1' HOUR)").doesNotContain("MINUTE"));
  }

  @Test
  void theDefaultWindowGivesTheDefaultQueries() {
    assertThat(SqlJob.UNIQUE_VISITORS.outputs(Duration.ofMinutes(1))).isEqualTo(SqlJob.UNIQUE_VISITORS.outputs());
  }

  @Test
  void badArgumentsAreOneMessageEach() {
    assertRefused(new String[] {"unique-visitors", "in.jsonl"}, "expected 6 arguments, got 2");
    assertRefused(with("--window"), "--window needs a value");
    assertRefused(with("--slide", "1m"), "unknown option --slide");
    assertRefused(with("--window", "soon"), "--window takes a duration like 1h, 30s or 500ms, not 'soon'");
    assertRefused(with("--window", "0s"), "--window must be positive");
    assertRefused(with("--window", "1500ms"), "the window must be a positive whole number of seconds");
    assertRefused(with("--checkpoint-interval", "5ms"), "--checkpoint-interval must be at least 10 ms");
    String[] sessions = with("--window", "1h");
    sessions[0] = "sessions";
    assertRefused(sessions, "--window is for unique-visitors only, not sessions");
  }

  @Test
  void intervalsUseTheLargestWholeUnitAndAPrecisionBeyondTwoDigits() {
    assertThat(SqlJob.interval(Duration.ofMinutes(1))).isEqualTo("INTERVAL '1' MINUTE");
    assertThat(SqlJob.interval(Duration.ofHours(1))).isEqualTo("INTERVAL '1' HOUR");
    assertThat(SqlJob.interval(Duration.ofSeconds(90))).isEqualTo("INTERVAL '90' SECOND");
    assertThat(SqlJob.interval(Duration.ofMinutes(150))).isEqualTo("INTERVAL '150' MINUTE(3)");
    assertThat(SqlJob.interval(Duration.ofDays(10))).isEqualTo("INTERVAL '240' HOUR(3)");
  }

  /** Flink's planner accepts every window's query, a precision beyond two digits included. */
  @Test
  void thePlannerAcceptsTheWindowedQueries() {
    TableEnvironment tables = TableEnvironment.create(EnvironmentSettings.inStreamingMode());
    tables.executeSql(SqlBaseline.eventsTable(dir.resolve("events.jsonl"), Duration.ofSeconds(2)));
    SqlJob.UNIQUE_VISITORS.views().forEach(tables::executeSql);
    for (Duration window : new Duration[] {Duration.ofHours(1), Duration.ofSeconds(150), Duration.ofMinutes(150)}) {
      for (SqlJob.Output output : SqlJob.UNIQUE_VISITORS.outputs(window).values()) {
        assertThat(tables.sqlQuery(output.query()).explain()).contains("TUMBLE");
      }
    }
  }

  private static String[] with(String... options) {
    String[] args = new String[SIX.length + options.length];
    System.arraycopy(SIX, 0, args, 0, SIX.length);
    System.arraycopy(options, 0, args, SIX.length, options.length);
    return args;
  }

  private static void assertRefused(String[] args, String message) {
    assertThatThrownBy(() -> SqlBaseline.Arguments.parse(args))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }
}
