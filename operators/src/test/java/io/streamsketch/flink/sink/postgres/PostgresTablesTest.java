package io.streamsketch.flink.sink.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class PostgresTablesTest {

  @ParameterizedTest
  @EnumSource(TableLayout.class)
  void theReadmeShowsTheDdlTheSinkRuns(TableLayout layout) throws Exception {
    String readme = Files.readString(Path.of("../README.md"));

    for (String statement : new PostgresTables("tbl", layout).ddl()) {
      assertThat(readme).contains(statement.replace("tbl", "<table>"));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"Results", "results-1", "1results", "a.b.c", "drop table x", ""})
  void tableNamesThatNeedQuotingAreRefused(String name) {
    assertThatThrownBy(() -> new PostgresTables(name, TableLayout.UPSERT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("table must be [schema.]name");
  }

  @ParameterizedTest
  @ValueSource(strings = {"results", "analytics.tumbling_counts", "_t1"})
  void plainAndSchemaQualifiedNamesAreAccepted(String name) {
    PostgresTables tables = new PostgresTables(name, TableLayout.APPEND);

    assertThat(tables.target()).isEqualTo(name);
    assertThat(tables.staging()).isEqualTo(name + "_staging");
  }
}
