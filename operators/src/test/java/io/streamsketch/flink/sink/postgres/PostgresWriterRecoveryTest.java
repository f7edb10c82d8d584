package io.streamsketch.flink.sink.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamsketch.testing.postgres.PostgresExtension;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A lock wait that never ends (a prepared transaction holds its locks for ever) fails here, not in CI's timeout. */
@Timeout(120)
class PostgresWriterRecoveryTest {
  @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();

  private final PostgresSinkTesting testing = new PostgresSinkTesting(POSTGRES);

  /** Prepares one transaction per checkpoint 1..checkpoints for the subtask, as a run that then died would. */
  private List<PostgresCommittable> prepareAndDie(String sinkId, PostgresTables tables, int subtask, int parallelism,
      int checkpoints) throws Exception {
    List<PostgresCommittable> prepared = new ArrayList<>();
    try (PostgresWriter<Revision> writer = testing.writer(sinkId, tables, Revision.upsertMapper(), subtask,
        parallelism, OptionalLong.empty(), List.of())) {
      for (long checkpoint = 1; checkpoint <= checkpoints; checkpoint++) {
        writer.write(new Revision("k" + subtask, checkpoint, checkpoint), null);
        prepared.addAll(writer.prepareCommit());
        writer.snapshotState(checkpoint);
      }
    }
    return prepared;
  }

  @Test
  void aFreshStartRollsBackEveryPreparedTransactionOfTheSinkButNoOtherOnes() throws Exception {
    PostgresTables tables = new PostgresTables("fresh", TableLayout.UPSERT);
    prepareAndDie("fresh", tables, 0, 2, 2);
    prepareAndDie("fresh", tables, 1, 2, 2);
    prepareAndDie("fresh", tables, 2, 3, 1); // from an earlier run at parallelism 3
    List<PostgresCommittable> otherSink = prepareAndDie("other", tables, 0, 2, 1);
    POSTGRES.execute("BEGIN; CREATE TABLE unrelated (x int); PREPARE TRANSACTION 'someone-elses'");

    testing.writer("fresh", tables, Revision.upsertMapper(), 0, 2, OptionalLong.empty(), List.of()).close();
    testing.writer("fresh", tables, Revision.upsertMapper(), 1, 2, OptionalLong.empty(), List.of()).close();

    assertThat(testing.preparedTransactions())
        .containsExactlyInAnyOrder(otherSink.get(0).transactionId(), "someone-elses");
    POSTGRES.execute("ROLLBACK PREPARED 'someone-elses'");
    POSTGRES.execute("ROLLBACK PREPARED '" + otherSink.get(0).transactionId() + "'");
  }

  @Test
  void aRestoreRollsBackOnlyTransactionsAfterTheCheckpointAndTheCommitterCommitsTheOwnedOnes() throws Exception {
    PostgresTables tables = new PostgresTables("restored", TableLayout.UPSERT);
    // Checkpoint 2 completed but its commit never ran; checkpoint 3 was prepared and never completed.
    List<PostgresCommittable> subtask0 = prepareAndDie("restored", tables, 0, 2, 3);
    List<PostgresCommittable> subtask1 = prepareAndDie("restored", tables, 1, 2, 3);
    List<PostgresWriterState> restoredStates =
        List.of(new PostgresWriterState("restored", 0), new PostgresWriterState("restored", 1));

    // Rescaled to parallelism 1: the one subtask receives both writers' states.
    testing.writer("restored", tables, Revision.upsertMapper(), 0, 1, OptionalLong.of(2), restoredStates).close();

    List<String> owned = List.of(subtask0.get(0).transactionId(), subtask0.get(1).transactionId(),
        subtask1.get(0).transactionId(), subtask1.get(1).transactionId());
    assertThat(testing.preparedTransactions()).containsExactlyInAnyOrderElementsOf(owned);

    PostgresCommitter committer = testing.committer("restored", tables, new ArrayList<>());
    for (PostgresCommittable committable : List.of(subtask0.get(0), subtask0.get(1), subtask1.get(0), subtask1.get(1))) {
      assertThat(testing.commit(committer, committable).outcome).isEqualTo(RecordingCommitRequest.Outcome.COMMITTED);
    }
    assertThat(testing.preparedTransactions()).isEmpty();
    assertThat(testing.strings("SELECT result_key || '=' || revision FROM restored ORDER BY 1"))
        .containsExactly("k0=2", "k1=2");
  }

  @Test
  void theWriterAfterARestoreNeverReusesAnIdOfTheRunBefore() throws Exception {
    PostgresTables tables = new PostgresTables("reuse", TableLayout.UPSERT);
    List<PostgresCommittable> before = prepareAndDie("reuse", tables, 0, 1, 2);
    PostgresCommitter committer = testing.committer("reuse", tables, new ArrayList<>());
    testing.commit(committer, before.get(0));
    testing.commit(committer, before.get(1));

    PostgresCommittable after;
    try (PostgresWriter<Revision> writer = testing.writer("reuse", tables, Revision.upsertMapper(), 0, 1,
        OptionalLong.of(1), List.of(new PostgresWriterState("reuse", 0)))) {
      writer.write(new Revision("k0", 5, 5), null);
      after = writer.prepareCommit().iterator().next();
    }

    TransactionId id = TransactionId.parse(after.transactionId()).orElseThrow();
    assertThat(id.checkpoint()).isEqualTo(2);
    assertThat(after.transactionId()).isNotEqualTo(before.get(1).transactionId());
    POSTGRES.execute("ROLLBACK PREPARED '" + after.transactionId() + "'");
    assertThat(testing.commit(committer, after).outcome).isEqualTo(RecordingCommitRequest.Outcome.FAILED_UNKNOWN);
  }

  @Test
  void aPayloadThatIsNotJsonFailsTheWriterWithTheServersReason() throws Exception {
    PostgresTables tables = new PostgresTables("notjson", TableLayout.APPEND);
    PostgresRowMapper<String> mapper = PostgresRowMapper.append(text -> text);
    try (PostgresWriter<String> writer = testing.writer("notjson", tables, mapper, 0, 1, OptionalLong.empty(), List.of())) {
      writer.write("{\"ok\":1}", null);
      writer.write("not json", null);

      assertThatThrownBy(() -> writer.flush(false))
          .isInstanceOf(java.io.IOException.class)
          .hasMessageStartingWith("PostgreSQL sink notjson (notjson, subtask 0) could not stage rows: ERROR: invalid input syntax for type json")
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n").doesNotContain("getNextException"));
    }
    assertThat(testing.preparedTransactions()).isEmpty();
  }

  @Test
  void anUnreachableDatabaseIsAOneLineErrorWithinSeconds() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    PostgresSink<Revision> sink = PostgresSink.<Revision>builder()
        .jdbcUrl("jdbc:postgresql://localhost:" + closedPort + "/postgres?password=secret")
        .user("postgres").sinkId("down").table("down").rowMapper(Revision.upsertMapper())
        .connectTimeout(Duration.ofSeconds(2)).build();

    assertThatThrownBy(sink::prepareDatabase)
        .isInstanceOf(PostgresSinkException.class)
        .hasMessageStartingWith("cannot connect to PostgreSQL at jdbc:postgresql://localhost:" + closedPort)
        .hasMessageContaining("password=***")
        .hasMessageNotContaining("secret")
        .hasMessageContaining("SQLSTATE 08001")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void aMissingPasswordVariableIsNamed() {
    PostgresSink<Revision> sink = PostgresSink.<Revision>builder().jdbcUrl(POSTGRES.jdbcUrl())
        .passwordEnv("STREAMSKETCH_TEST_UNSET_PASSWORD").sinkId("nopassword").table("nopassword")
        .rowMapper(Revision.upsertMapper()).build();

    assertThatThrownBy(sink::prepareDatabase)
        .hasMessage("environment variable STREAMSKETCH_TEST_UNSET_PASSWORD (the PostgreSQL password) is not set");
  }

  @Test
  void anIncompatibleExistingTableIsAClearErrorBeforeTheJob() throws Exception {
    POSTGRES.execute("CREATE TABLE wrong (result_key text PRIMARY KEY, revision bigint NOT NULL, payload text)");
    PostgresSink<Revision> sink = PostgresSink.<Revision>builder().jdbcUrl(POSTGRES.jdbcUrl()).user(POSTGRES.user())
        .sinkId("wrong").table("wrong").rowMapper(Revision.upsertMapper()).build();

    assertThatThrownBy(sink::prepareDatabase)
        .isInstanceOf(PostgresSinkException.class)
        .hasMessage("PostgreSQL table wrong is incompatible with the sink: column payload is text, expected jsonb"
            + " (README.md, section PostgreSQL, has the expected DDL)");
  }

  @Test
  void aTableWithoutAUniqueKeyIsRefused() throws Exception {
    POSTGRES.execute("CREATE TABLE nokey (result_key text, revision bigint, payload jsonb)");
    PostgresSink<Revision> sink = PostgresSink.<Revision>builder().jdbcUrl(POSTGRES.jdbcUrl()).user(POSTGRES.user())
        .sinkId("nokey").table("nokey").rowMapper(Revision.upsertMapper()).build();

    assertThatThrownBy(sink::prepareDatabase).hasMessageContaining("column result_key has no primary key");
  }

  @Test
  void prepareDatabaseCreatesTheTablesOnce() throws Exception {
    PostgresSink<Revision> sink = PostgresSink.<Revision>builder().jdbcUrl(POSTGRES.jdbcUrl()).user(POSTGRES.user())
        .sinkId("created").table("created").rowMapper(Revision.upsertMapper()).build();

    sink.prepareDatabase();
    sink.prepareDatabase();

    assertThat(testing.strings("SELECT tablename FROM pg_tables WHERE tablename LIKE 'created%' ORDER BY 1"))
        .containsExactly("created", "created_rejected", "created_staging");
  }
}
