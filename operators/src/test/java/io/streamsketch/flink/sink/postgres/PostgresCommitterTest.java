package io.streamsketch.flink.sink.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsketch.flink.sink.postgres.RecordingCommitRequest.Outcome;
import io.streamsketch.testing.postgres.PostgresExtension;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.OptionalLong;
import org.apache.flink.metrics.SimpleCounter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A lock wait that never ends (a prepared transaction holds its locks for ever) fails here, not in CI's timeout. */
@Timeout(120)
class PostgresCommitterTest {
  @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();

  private final PostgresSinkTesting testing = new PostgresSinkTesting(POSTGRES);

  private PostgresCommittable prepare(String sinkId, PostgresTables tables, Revision... records) throws Exception {
    try (PostgresWriter<Revision> writer =
        testing.writer(sinkId, tables, Revision.upsertMapper(), 0, 1, OptionalLong.empty(), List.of())) {
      for (Revision r : records) {
        writer.write(r, null);
      }
      Collection<PostgresCommittable> committables = writer.prepareCommit();
      assertThat(committables).hasSize(1);
      return committables.iterator().next();
    }
  }

  @Test
  void commitMakesTheRowsVisibleAndLeavesNothingPrepared() throws Exception {
    PostgresTables tables = new PostgresTables("visible", TableLayout.UPSERT);
    PostgresCommittable committable = prepare("visible", tables, new Revision("a", 0, 1), new Revision("b", 0, 2));
    assertThat(testing.count("SELECT count(*) FROM visible")).isZero();

    RecordingCommitRequest request = testing.commit(testing.committer("visible", tables, new ArrayList<>()), committable);

    assertThat(request.outcome).isEqualTo(Outcome.COMMITTED);
    assertThat(testing.strings("SELECT payload->>'value' FROM visible ORDER BY result_key")).containsExactly("1", "2");
    assertThat(testing.count("SELECT count(*) FROM visible_staging")).isZero();
    assertThat(testing.preparedTransactions()).isEmpty();
  }

  @Test
  void committingTwiceIsASuccessThroughTheMarkerRow() throws Exception {
    PostgresTables tables = new PostgresTables("twice", TableLayout.UPSERT);
    PostgresCommittable committable = prepare("twice", tables, new Revision("a", 0, 1));
    PostgresCommitter committer = testing.committer("twice", tables, new ArrayList<>());
    testing.commit(committer, committable);

    RecordingCommitRequest again = testing.commit(committer, committable);

    assertThat(again.outcome).isEqualTo(Outcome.ALREADY_COMMITTED);
    assertThat(testing.count("SELECT count(*) FROM twice")).isEqualTo(1);
    assertThat(testing.strings("SELECT applied_at IS NOT NULL FROM streamsketch_sink_commits"
        + " WHERE transaction_id = '" + committable.transactionId() + "'")).containsExactly("t");
  }

  @Test
  void aLostTransactionFailsTheJobLoudly() throws Exception {
    PostgresTables tables = new PostgresTables("lost", TableLayout.UPSERT);
    PostgresCommittable committable = prepare("lost", tables, new Revision("a", 0, 1));
    POSTGRES.execute("ROLLBACK PREPARED '" + committable.transactionId() + "'");

    RecordingCommitRequest request = testing.commit(testing.committer("lost", tables, new ArrayList<>()), committable);

    assertThat(request.outcome).isEqualTo(Outcome.FAILED_UNKNOWN);
    assertThat(request.failure).hasMessageContaining(committable.transactionId()).hasMessageContaining("is lost");
    assertThat(testing.count("SELECT count(*) FROM lost")).isZero();
  }

  @Test
  void anUnreachableDatabaseIsRetriedWithGrowingWaits() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    PostgresTables tables = new PostgresTables("unreachable", TableLayout.UPSERT);
    List<Duration> sleeps = new ArrayList<>();
    PostgresCommitter committer = new PostgresCommitter(
        new PostgresConnectionOptions("jdbc:postgresql://localhost:" + closedPort + "/postgres", "postgres", null,
            Duration.ofSeconds(2)),
        tables, "unreachable", new CommitBackoff(Duration.ofMillis(100), Duration.ofMillis(300)), sleeps::add);
    RecordingCommitRequest request = new RecordingCommitRequest(new PostgresCommittable("streamsketch:u:0:1:0123456789ab", 1));

    for (int attempt = 0; attempt < 4; attempt++) {
      request.resetForRetry();
      committer.commit(List.of(request));
      assertThat(request.outcome).isEqualTo(Outcome.RETRY_LATER);
    }

    assertThat(sleeps).containsExactly(
        Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(300), Duration.ofMillis(300));
  }

  @Test
  void aRetryAfterTheServerCameBackCommits() throws Exception {
    PostgresTables tables = new PostgresTables("comeback", TableLayout.UPSERT);
    PostgresCommittable committable = prepare("comeback", tables, new Revision("a", 0, 1));
    PostgresCommitter committer = testing.committer("comeback", tables, new ArrayList<>());
    testing.commit(committer, new PostgresCommittable("streamsketch:comeback:0:0:000000000000", 0));
    // The committer's connection is killed under it, as by a server restart.
    POSTGRES.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
        + " WHERE application_name = 'streamsketch-committer-comeback'");

    RecordingCommitRequest request = testing.commit(committer, committable);
    if (request.outcome == Outcome.RETRY_LATER) {
      request.resetForRetry();
      committer.commit(List.of(request));
    }

    assertThat(request.outcome).isIn(Outcome.COMMITTED, Outcome.ALREADY_COMMITTED);
    assertThat(testing.count("SELECT count(*) FROM comeback")).isEqualTo(1);
  }

  @Test
  void aLowerRevisionNeverReplacesTheStandingResult() throws Exception {
    PostgresTables tables = new PostgresTables("standing", TableLayout.UPSERT);
    PostgresCommitter committer = testing.committer("standing", tables, new ArrayList<>());
    testing.commit(committer, prepare("standing", tables, new Revision("a", 2, 20), new Revision("b", 0, 1)));

    testing.commit(committer, prepare("standing", tables,
        new Revision("a", 1, 10), new Revision("b", 1, 11), new Revision("b", 1, 12), new Revision("c", 0, 5)));

    assertThat(testing.strings("SELECT result_key || '=' || revision || '/' || (payload->>'value')"
        + " FROM standing ORDER BY result_key")).containsExactly("a=2/20", "b=1/12", "c=0/5");
  }

  @Test
  void appendedRecordsAreStoredOnceEvenWhenReplayed() throws Exception {
    PostgresTables tables = new PostgresTables("appended", TableLayout.APPEND);
    PostgresRowMapper<String> mapper = PostgresRowMapper.append(line -> "{\"line\":\"" + line + "\"}");
    PostgresCommitter committer = testing.committer("appended", tables, new ArrayList<>());
    for (int run = 0; run < 2; run++) {
      try (PostgresWriter<String> writer = testing.writer("appended", tables, mapper, 0, 1, OptionalLong.empty(), List.of())) {
        writer.write("x", null);
        writer.write("y", null);
        testing.commit(committer, writer.prepareCommit().iterator().next());
      }
    }

    assertThat(testing.strings("SELECT payload->>'line' FROM appended ORDER BY 1")).containsExactly("x", "y");
  }

  @Test
  void aRecordOverTheSizeLimitGoesToTheRejectedTableCounted() throws Exception {
    PostgresTables tables = new PostgresTables("limited", TableLayout.UPSERT);
    SimpleCounter rejected = new SimpleCounter();
    PostgresCommittable committable;
    try (PostgresWriter<Revision> writer = testing.writer("limited", tables, Revision.upsertMapper(), 0, 1,
        OptionalLong.empty(), List.of(), rejected, 50)) {
      writer.write(new Revision("small", 0, 1), null);
      writer.write(new Revision("big-" + "x".repeat(60), 0, 2), null);
      committable = writer.prepareCommit().iterator().next();
    }

    testing.commit(testing.committer("limited", tables, new ArrayList<>()), committable);

    assertThat(rejected.getCount()).isEqualTo(1);
    assertThat(testing.strings("SELECT result_key FROM limited")).containsExactly("small");
    assertThat(testing.strings("SELECT reason FROM limited_rejected"))
        .singleElement().asString().contains("exceeds the sink's limit of 50 bytes");
  }
}
