package io.streamsketch.flink.sink.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PostgresSinkSerializersTest {

  @Test
  void committableRoundTrips() throws IOException {
    PostgresCommittableSerializer serializer = new PostgresCommittableSerializer();
    PostgresCommittable committable = new PostgresCommittable("streamsketch:job.out:1:42:0123456789ab", 17);

    byte[] bytes = serializer.serialize(committable);

    assertThat(serializer.deserialize(serializer.getVersion(), bytes)).isEqualTo(committable);
  }

  @Test
  void committableOfAnUnknownVersionIsRefused() {
    PostgresCommittableSerializer serializer = new PostgresCommittableSerializer();

    assertThatThrownBy(() -> serializer.deserialize(2, new byte[0]))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("unknown version 2");
  }

  @Test
  void writerStateRoundTrips() throws IOException {
    PostgresWriterStateSerializer serializer = new PostgresWriterStateSerializer();
    PostgresWriterState state = new PostgresWriterState("job.out", 3);

    assertThat(serializer.deserialize(serializer.getVersion(), serializer.serialize(state))).isEqualTo(state);
    assertThatThrownBy(() -> serializer.deserialize(0, new byte[0])).isInstanceOf(IOException.class);
  }

  @Test
  void transactionIdIsRecognisablyThisSinksAndParsesBack() {
    TransactionId id = new TransactionId("windowed-counts.counts", 1, 42, "0123456789ab");

    assertThat(id.toString()).isEqualTo("streamsketch:windowed-counts.counts:1:42:0123456789ab");
    assertThat(TransactionId.parse(id.toString())).contains(id);
  }

  @Test
  void theLongestTransactionIdStaysUnderPostgresLimitOf200Bytes() {
    TransactionId longest = new TransactionId("s".repeat(100), Integer.MAX_VALUE, Long.MAX_VALUE, "ffffffffffff");

    assertThat(longest.toString().getBytes(StandardCharsets.UTF_8).length).isLessThan(200);
    assertThat(TransactionId.parse(longest.toString())).contains(longest);
  }

  @Test
  void otherPreparedTransactionsAreNotParsedAsThisSinks() {
    assertThat(TransactionId.parse("some-xa-transaction")).isEmpty();
    assertThat(TransactionId.parse("streamsketch:job:1:2")).isEmpty();
    assertThat(TransactionId.parse("streamsketch:job:x:2:0123456789ab")).isEmpty();
    assertThat(TransactionId.parse("streamsketch:job:1:2:0123456789ab:extra")).isEmpty();
  }

  @Test
  void sinkIdsThatCouldBreakTheIdOrTheSqlAreRefused() {
    assertThatThrownBy(() -> new TransactionId("a:b", 0, 1, "0123456789ab")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new TransactionId("it's", 0, 1, "0123456789ab")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new TransactionId("s".repeat(101), 0, 1, "0123456789ab"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void commitBackoffDoublesUpToItsMaximum() {
    CommitBackoff backoff = new CommitBackoff(Duration.ofMillis(100), Duration.ofMillis(500));

    assertThat(backoff.after(1)).isEqualTo(Duration.ofMillis(100));
    assertThat(backoff.after(2)).isEqualTo(Duration.ofMillis(200));
    assertThat(backoff.after(3)).isEqualTo(Duration.ofMillis(400));
    assertThat(backoff.after(4)).isEqualTo(Duration.ofMillis(500));
    assertThat(backoff.after(100)).isEqualTo(Duration.ofMillis(500));
  }

  @Test
  void appendRowsWithoutAnIdAreKeyedByTheHashOfTheirJson() {
    PostgresRowMapper<String> mapper = PostgresRowMapper.append(line -> "{\"line\":\"" + line + "\"}");

    PostgresRow row = mapper.toRow("x");

    assertThat(row.key()).isEqualTo(PostgresRowMapper.sha256("{\"line\":\"x\"}")).hasSize(64);
    assertThat(mapper.toRow("x")).isEqualTo(row);
    assertThat(mapper.layout()).isEqualTo(TableLayout.APPEND);
  }

  @Test
  void aJobOutputMapsOntoASinkIdAndATable() {
    PostgresSink<Revision> sink = PostgresSink.<Revision>builder().jdbcUrl("jdbc:postgresql://x/db")
        .forOutput("windowed-counts", "tumbling-counts").rowMapper(Revision.upsertMapper()).build();

    assertThat(sink.sinkId()).isEqualTo("windowed-counts.tumbling-counts");
    assertThat(sink.table()).isEqualTo("tumbling_counts");
    assertThat(PostgresRowMapper.compositeKey("p10", 1767225600000L, 1767225660000L))
        .isEqualTo("p10|1767225600000|1767225660000");
  }

  @Test
  void builderRefusesBadSettingsWithoutConnecting() {
    assertThatThrownBy(() -> PostgresSink.<Revision>builder().jdbcUrl("jdbc:mysql://x").build())
        .hasMessageContaining("jdbc:postgresql:");
    assertThatThrownBy(() -> PostgresSink.<Revision>builder().jdbcUrl("jdbc:postgresql://x/db").sinkId("s")
            .table("Bad-Name").rowMapper(Revision.upsertMapper()).build())
        .hasMessageContaining("table must be");
    assertThatThrownBy(() -> PostgresSink.<Revision>builder().jdbcUrl("jdbc:postgresql://x/db").sinkId("s")
            .table("t").passwordEnv("secret value").rowMapper(Revision.upsertMapper()).build())
        .hasMessageContaining("environment variable");
  }
}
