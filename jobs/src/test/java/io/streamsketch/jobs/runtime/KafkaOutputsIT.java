package io.streamsketch.jobs.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsketch.jobs.StreamSketchCli;
import io.streamsketch.jobs.testing.OutputFiles;
import io.streamsketch.testing.kafka.KafkaBrokerExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --sink kafka} from the CLI: the topics hold what the files hold, keyed by each result's key; a record larger
 * than its topic takes is a dead letter with its reason, and the job goes on.
 */
class KafkaOutputsIT {
  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

  @RegisterExtension
  static final MiniClusterExtension CLUSTER =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

  /** Events in time order (no delay, none late): the outputs depend only on the input, not on timing. */
  private static final List<String> GENERATED =
      List.of("--events", "20000", "--seed", "5", "--users", "2000", "--pages", "40", "--max-delay", "0s",
          "--late-fraction", "0", "--parallelism", "2");

  @TempDir Path dir;

  @Test
  void theTopicsHoldTheRecordsOfTheFilesKeyedByTheResultsKey() throws Exception {
    run("windowed-counts", "--output", dir.toString());
    run("windowed-counts", "--sink", "kafka", "--bootstrap-servers", KAFKA.bootstrapServers(), "--topic-prefix", "wc.");

    for (String output : List.of("tumbling-counts", "sliding-counts")) {
      List<String> files = OutputFiles.lines(dir.resolve(output));
      List<ConsumerRecord<byte[], byte[]>> records = KAFKA.readCommitted("wc." + output);
      assertThat(files).hasSizeGreaterThan(50);
      assertThat(records.stream().map(r -> new String(r.value(), StandardCharsets.UTF_8)))
          .containsExactlyInAnyOrderElementsOf(files);
      for (ConsumerRecord<byte[], byte[]> record : records) {
        Map<String, Object> fields = OutputFiles.fields(new String(record.value(), StandardCharsets.UTF_8));
        assertThat(new String(record.key(), StandardCharsets.UTF_8))
            .isEqualTo(fields.get("pageId") + "@" + fields.get("windowStart"));
      }
    }
    assertThat(KAFKA.readCommitted("wc.late-tumbling")).isEmpty();
  }

  @Test
  void aRecordTooLargeForItsTopicIsADeadLetterWithItsReason() throws Exception {
    try (Admin admin = KAFKA.admin()) {
      NewTopic small = new NewTopic("tp.top-pages", 1, (short) 1).configs(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, "8192"));
      admin.createTopics(List.of(small)).all().get();
    }
    // 300 of 1,000 pages listed, about 50 bytes each: a window with many pages gives a record above 8 KiB.
    String summary =
        run("top-pages", "--top", "300", "--pages", "1000", "--sink", "kafka", "--bootstrap-servers",
            KAFKA.bootstrapServers(), "--topic-prefix", "tp.");

    List<ConsumerRecord<byte[], byte[]>> written = KAFKA.readCommitted("tp.top-pages");
    List<String> deadLetters = KAFKA.readCommittedValues("tp.dead-letters");
    assertThat(deadLetters).isNotEmpty();
    assertThat(written).isNotEmpty().allSatisfy(r -> assertThat(r.value().length).isLessThan(8192));
    assertThat(summary)
        .containsPattern(String.format(" top-pages +%,d\\R", written.size() + deadLetters.size()))
        .containsPattern(String.format(" dead-letters +%,d\\R", deadLetters.size()));
    for (String letter : deadLetters) {
      Map<String, Object> fields = OutputFiles.fields(letter);
      assertThat((String) fields.get("reason")).contains("bytes is larger than the 8192 bytes topic tp.top-pages takes");
      assertThat((String) fields.get("line")).startsWith("{\"windowStart\":" + fields.get("key") + ",");
    }
  }

  @Test
  void aTransactionTimeoutAboveTheBrokersMaximumIsRefusedBeforeTheStart() throws Exception {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        StreamSketchCli.run(
            new String[] {
              "windowed-counts", "--sink", "kafka", "--bootstrap-servers", KAFKA.bootstrapServers(),
              "--transaction-timeout", "16m"
            },
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(status).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .isEqualTo(
            "error: windowed-counts: --transaction-timeout 960000 ms is above the broker's transaction.max.timeout.ms"
                + " of 900000 ms: give at most that\n");
  }

  private static String run(String job, String... options) throws Exception {
    List<String> args = new ArrayList<>(List.of(job));
    args.addAll(GENERATED);
    args.addAll(List.of(options));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        StreamSketchCli.run(
            args.toArray(String[]::new),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    String printed = out.toString(StandardCharsets.UTF_8);
    assertThat(status).as(printed + err.toString(StandardCharsets.UTF_8)).isZero();
    return printed;
  }
}
