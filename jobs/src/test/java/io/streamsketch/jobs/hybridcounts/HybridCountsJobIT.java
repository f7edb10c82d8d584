package io.streamsketch.jobs.hybridcounts;

import static io.streamsketch.jobs.testing.HybridData.PARTITIONS;
import static io.streamsketch.jobs.testing.HybridData.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamsketch.jobs.testing.CliRun;
import io.streamsketch.jobs.testing.HybridData;
import io.streamsketch.jobs.testing.OutputFiles;
import io.streamsketch.model.PageWindowCount;
import io.streamsketch.testing.kafka.KafkaBrokerExtension;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hybrid-counts} through the CLI on a real broker in the test JVM: history in a file, then a topic that repeats
 * the end of the history (as a topic's retention overlaps an export) and goes on. The counts must equal the exact
 * count over the union, each event once, whichever side of the switch holds it.
 */
class HybridCountsJobIT {
  @RegisterExtension
  static final MiniClusterExtension CLUSTER =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

  /** The history holds events [0, 2500); the topic [2300, 5000): 200 events are in both. */
  private static final int HISTORY_END = 2_500;

  private static final int TOPIC_START = 2_300;
  private static final int TOPIC_END = 5_000;

  @TempDir Path dir;

  @Test
  void theCountsAreExactOverFilesThenTopicWithTheSwitchTakenFromTheFiles() throws Exception {
    Path history = history();
    String topic = topic();
    long switchAt = maxHistoryTime() + 1;

    Path output = dir.resolve("out");
    CliRun run = hybridCounts(history, topic, output, "--parallelism", "2");
    assertThat(run.status()).as(run.err()).isZero();

    assertThat(standing(output)).isEqualTo(HybridData.exactViews(0, TOPIC_END)).hasSizeGreaterThan(200);
    // Among them, the windows around the switch count views from both sides: the windows ran on across it.
    Set<String> fromBothSides = new TreeSet<>(HybridData.exactViews(0, HISTORY_END).keySet());
    fromBothSides.retainAll(HybridData.exactViews(HISTORY_END, TOPIC_END).keySet());
    assertThat(fromBothSides).isNotEmpty();
    assertThat(OutputFiles.lines(output.resolve("late-events"))).isEmpty();
    // The file is read whole; the topic's events before the switch are the history's copies, skipped and written.
    List<Map<String, Object>> skipped = fields(output.resolve("skipped-at-switch"));
    assertThat(skipped).hasSize(HISTORY_END - TOPIC_START);
    assertThat(skipped)
        .allSatisfy(
            record ->
                assertThat((String) record.get("reason"))
                    .startsWith("switch: eventTime ")
                    .endsWith("is before the switch at " + switchAt + ": the files count it, not the topic"));
    // One malformed line in the file, one malformed record in the topic: dead letters, not skipped records.
    assertThat(fields(output.resolve("dead-letters"))).hasSize(2);
    assertThat(run.out())
        .startsWith("hybrid-counts switches from the files to the topic at event time " + switchAt + " (")
        .containsPattern("skipped-at-switch\\s+200")
        .containsPattern("dead-letters\\s+2\\b")
        .containsPattern("late-events\\s+0");
  }

  @Test
  void aSwitchBeforeTheEndOfTheFilesCutsThemAndTheTopicCountsTheRest() throws Exception {
    Path history = history();
    String topic = topic();
    long switchAt = T0 + 600_000; // Event 2400: the files count [0, 2400), the topic [2400, 5000).

    Path output = dir.resolve("out");
    CliRun run = hybridCounts(history, topic, output, "--switch-at", Long.toString(switchAt));
    assertThat(run.status()).as(run.err()).isZero();

    assertThat(standing(output)).isEqualTo(HybridData.exactViews(0, TOPIC_END));
    List<String> reasons = new ArrayList<>();
    for (Map<String, Object> record : fields(output.resolve("skipped-at-switch"))) {
      reasons.add(((String) record.get("reason")).replaceFirst("eventTime \\d+", "eventTime T"));
    }
    String fromFiles = "switch: eventTime T is at or after the switch at " + switchAt + ": the topic counts it, not the files";
    String fromTopic = "switch: eventTime T is before the switch at " + switchAt + ": the files count it, not the topic";
    assertThat(reasons.stream().filter(fromFiles::equals)).hasSize(HISTORY_END - 2_400);
    assertThat(reasons.stream().filter(fromTopic::equals)).hasSize(2_400 - TOPIC_START);
    assertThat(reasons).hasSize(HISTORY_END - TOPIC_START);
  }

  @Test
  void theTopicIsReadFromTheSwitchMinusTheLookbackInKafkaTimestamps() throws Exception {
    Path history = history();
    String topic = topic();
    long switchAt = maxHistoryTime() + 1;

    // Records are stamped 5 s after their event; with a 10 s lookback, the topic is read from the first record of
    // each partition stamped at or after switch - 10 s: only the copies of the last seconds of history are skipped.
    Path output = dir.resolve("out");
    CliRun run = hybridCounts(history, topic, output, "--switch-lookback", "10s");
    assertThat(run.status()).as(run.err()).isZero();

    assertThat(standing(output)).isEqualTo(HybridData.exactViews(0, TOPIC_END));
    long expectedSkipped = 0;
    for (int partition = 0; partition < PARTITIONS; partition++) {
      boolean started = false;
      for (int k = TOPIC_START + Math.floorMod(partition - TOPIC_START, PARTITIONS); k < TOPIC_END; k += PARTITIONS) {
        started |= HybridData.time(k) + HybridData.PRODUCED_AFTER_EVENT_MS >= switchAt - 10_000;
        if (started && HybridData.time(k) < switchAt) {
          expectedSkipped++;
        }
      }
    }
    assertThat(expectedSkipped).isBetween(1L, 100L);
    assertThat(fields(output.resolve("skipped-at-switch"))).hasSize((int) expectedSkipped);
  }

  @Test
  void badInputIsOneLineAndExitTwoBeforeTheJobStarts() throws Exception {
    Path history = history();
    String topic = KAFKA.newTopic("hybrid-checks", 1);

    Path missing = dir.resolve("missing.jsonl");
    CliRun noFiles = hybridCounts(missing, topic, dir.resolve("a"));
    assertThat(noFiles.status()).isEqualTo(2);
    assertThat(noFiles.err().strip()).isEqualTo("error: hybrid-counts: --input " + missing + ": no such file or folder");

    Path onlyMalformed = Files.writeString(dir.resolve("malformed.jsonl"), "not an event\n");
    CliRun noEvent = hybridCounts(onlyMalformed, topic, dir.resolve("b"));
    assertThat(noEvent.status()).isEqualTo(2);
    assertThat(noEvent.err().strip())
        .isEqualTo(
            "error: hybrid-counts: --input " + onlyMalformed
                + " holds no valid event to take the switch time from; give --switch-at");

    CliRun badSwitch = hybridCounts(history, topic, dir.resolve("c"), "--switch-at", "yesterday");
    assertThat(badSwitch.status()).isEqualTo(2);
    assertThat(badSwitch.err().strip())
        .isEqualTo(
            "error: hybrid-counts: --switch-at must be a time in epoch milliseconds or ISO-8601"
                + " (2026-01-01T00:00:00Z), not 'yesterday'");

    CliRun missingTopic =
        CliRun.of("hybrid-counts", "--input", history.toString(), "--bootstrap-servers", KAFKA.bootstrapServers(), "--topic",
            "no-such-topic", "--output", dir.resolve("d").toString());
    assertThat(missingTopic.status()).isEqualTo(2);
    assertThat(missingTopic.err().strip())
        .isEqualTo("error: hybrid-counts: topic 'no-such-topic' does not exist on " + KAFKA.bootstrapServers());

    int silentPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      silentPort = socket.getLocalPort();
    }
    CliRun silent =
        CliRun.of("hybrid-counts", "--input", history.toString(), "--bootstrap-servers", "localhost:" + silentPort, "--topic",
            topic, "--switch-at", "2026-01-01T00:00:00Z");
    assertThat(silent.status()).isEqualTo(2);
    assertThat(silent.err().strip().lines()).hasSize(1);
    assertThat(silent.err()).startsWith("error: hybrid-counts: no Kafka broker answered at localhost:" + silentPort);

    CliRun noTopic = CliRun.of("hybrid-counts", "--input", history.toString());
    assertThat(noTopic.status()).isEqualTo(2);
    assertThat(noTopic.err().strip())
        .isEqualTo(
            "error: hybrid-counts: needs --input (the history), --bootstrap-servers and --topic (the live data)");
  }

  private Path history() throws IOException {
    Path history = dir.resolve("history.jsonl");
    HybridData.writeHistory(history, 0, HISTORY_END);
    return history;
  }

  /** A topic of events [2300, 5000) and one malformed record. */
  private static String topic() {
    String topic = KAFKA.newTopic("hybrid", PARTITIONS);
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(HybridData.records(topic, TOPIC_START, TOPIC_END));
    records.add(HybridData.record(topic, 1, HybridData.time(TOPIC_END), "{\"eventId\": not json in the topic"));
    KAFKA.send(records);
    return topic;
  }

  private static long maxHistoryTime() {
    long max = Long.MIN_VALUE;
    for (int k = 0; k < HISTORY_END; k++) {
      max = Math.max(max, HybridData.time(k));
    }
    return max;
  }

  private static CliRun hybridCounts(Path history, String topic, Path output, String... more) throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "hybrid-counts", "--input", history.toString(), "--bootstrap-servers", KAFKA.bootstrapServers(),
                "--topic", topic, "--bounded", "--output", output.toString()));
    args.addAll(List.of(more));
    return CliRun.of(args.toArray(String[]::new));
  }

  private static Map<String, Long> standing(Path output) throws IOException {
    List<PageWindowCount> counts = new ArrayList<>();
    for (Map<String, Object> r : fields(output.resolve("tumbling-counts"))) {
      counts.add(
          new PageWindowCount(
              (String) r.get("pageId"),
              (Long) r.get("windowStart"),
              (Long) r.get("windowEnd"),
              (Long) r.get("views"),
              ((Long) r.get("firing")).intValue()));
    }
    return HybridData.standing(counts);
  }

  private static List<Map<String, Object>> fields(Path folder) throws IOException {
    List<Map<String, Object>> records = new ArrayList<>();
    for (String line : OutputFiles.lines(folder)) {
      records.add(OutputFiles.fields(line));
    }
    return records;
  }

}
