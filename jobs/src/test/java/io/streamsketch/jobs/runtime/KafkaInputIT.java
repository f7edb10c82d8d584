package io.streamsketch.jobs.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsketch.flink.io.ClickEventParser;
import io.streamsketch.generator.ClickstreamGenerator;
import io.streamsketch.generator.ClickstreamText;
import io.streamsketch.generator.GeneratorConfig;
import io.streamsketch.jobs.cli.ParsedArgs;
import io.streamsketch.jobs.testing.Await;
import io.streamsketch.jobs.testing.CliRun;
import io.streamsketch.jobs.testing.CollectToQueue;
import io.streamsketch.jobs.testing.FailOnceAfterACheckpoint;
import io.streamsketch.jobs.testing.OutputFiles;
import io.streamsketch.jobs.windowedcounts.WindowedCountsJob;
import io.streamsketch.model.ClickEvent;
import io.streamsketch.model.EventKind;
import io.streamsketch.model.PageWindowCount;
import io.streamsketch.testing.kafka.KafkaBrokerExtension;
import java.io.IOException;
import java.io.Writer;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Queue;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Jobs reading a Kafka topic ({@code --source kafka}) from a real broker in the test JVM: the same results as the
 * same events read from a file, watermarks per partition, dead letters, and the checks before the start.
 */
class KafkaInputIT {
  @RegisterExtension
  static final MiniClusterExtension CLUSTER =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

  private static final long T0 = 1_704_067_200_000L;
  private static final long MINUTE = 60_000;
  private static final String COUNTS = "kafka-input-counts";
  private static final String EVENTS = "kafka-input-events";
  private static final String LATE = "kafka-input-late";

  @TempDir Path dir;

  @Test
  void aTopicWithSeveralPartitionsAndMalformedRecordsGivesTheResultsOfTheSameFile() throws Exception {
    GeneratorConfig config =
        GeneratorConfig.defaults().withEvents(6_000).withSeed(11).withUsersAndPages(300, 40).withDisorder(1_000, 0, 0.01);
    Path file = dir.resolve("events.jsonl");
    ClickstreamText.Counts counts;
    try (Writer out = Files.newBufferedWriter(file)) {
      counts = ClickstreamText.writeEvents(config, out);
    }
    String topic = KAFKA.newTopic("clicks", 3);
    CliRun produced =
        CliRun.of("produce", "--bootstrap-servers", KAFKA.bootstrapServers(), "--topic", topic, "--input", file.toString(),
            "--partitions", "3");
    assertThat(produced.status()).as(produced.err()).isZero();

    Path fromFile = dir.resolve("from-file");
    Path fromKafka = dir.resolve("from-kafka");
    CliRun fileRun = CliRun.of("windowed-counts", "--input", file.toString(), "--output", fromFile.toString(),
        "--parallelism", "2");
    CliRun kafkaRun =
        CliRun.of("windowed-counts", "--source", "kafka", "--bootstrap-servers", KAFKA.bootstrapServers(), "--topic", topic,
            "--bounded", "--output", fromKafka.toString(), "--parallelism", "2");
    assertThat(fileRun.status()).as(fileRun.err()).isZero();
    assertThat(kafkaRun.status()).as(kafkaRun.err()).isZero();

    // --bounded ends the job by itself, with its summary; the malformed records are counted dead letters.
    assertThat(kafkaRun.out()).containsPattern("dead-letters\\s+" + String.format("%,d", counts.malformedLines()));
    assertThat(counts.malformedLines()).isPositive();
    assertThat(deadLetterLines(fromKafka)).containsExactlyInAnyOrderElementsOf(deadLetterLines(fromFile));
    for (String output : List.of("tumbling-counts", "sliding-counts")) {
      assertThat(standingCounts(fromKafka.resolve(output))).isEqualTo(standingCounts(fromFile.resolve(output)))
          .isNotEmpty();
    }
  }

  @Test
  void aPartitionThatFallsBehindHoldsTheWatermarkBack() throws Exception {
    String topic = KAFKA.newTopic("behind", 2);
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    // Partition 1 starts with a view at T0; partition 0 runs ten minutes ahead.
    records.add(record(topic, 1, view(1_000, "behind", T0)));
    for (int i = 0; i < 100; i++) {
      records.add(record(topic, 0, view(i, "ahead", T0 + i * 6_000L)));
    }
    KAFKA.send(records);

    // One source subtask reads both partitions; an hour of idleness keeps partition 1 from going idle.
    Running job = startWindowedCounts(topic, Duration.ofHours(1));
    try {
      job.awaitEvents(101);
      // Partition 1 goes on 30 s later, nine minutes behind partition 0: on time for its own watermark.
      KAFKA.send(List.of(record(topic, 1, view(1_001, "behind", T0 + 30_000))));
      job.awaitEvents(102);
      // Then partition 1 catches up, which releases the first minute.
      KAFKA.send(List.of(record(topic, 1, view(1_002, "behind", T0 + 11 * MINUTE))));
      PageWindowCount behind = job.awaitCount("behind", T0);
      assertThat(behind.views).as("both early views of the partition behind count").isEqualTo(2);
      assertThat(behind.firing).isZero();
      assertThat(job.late).isEmpty();
    } finally {
      job.client.cancel().get();
    }
  }

  @Test
  void anIdlePartitionDoesNotHoldTheWatermarkBack() throws Exception {
    String topic = KAFKA.newTopic("idle", 2);
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    // Partition 1 has one view at the start, then falls silent; partition 0 goes on for five minutes.
    records.add(record(topic, 1, view(1_000, "quiet", T0)));
    for (int i = 0; i < 30; i++) {
      records.add(record(topic, 0, view(i, "busy", T0 + i * 10_000L)));
    }
    KAFKA.send(records);

    // Unbounded: without idleness the silent partition would keep every window open for as long as the job runs.
    Running job = startWindowedCounts(topic, Duration.ofSeconds(1));
    try {
      assertThat(job.awaitCount("busy", T0).views).as("the first minute fired while partition 1 is silent").isEqualTo(6);
    } finally {
      job.client.cancel().get();
    }
  }

  /** An unbounded windowed-counts job on {@code topic} at parallelism 1, collecting its events, counts and late events. */
  private static Running startWindowedCounts(String topic, Duration idleness) throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(1);
    ParsedArgs args =
        new WindowedCountsJob()
            .options()
            .parse(
                "windowed-counts",
                new String[] {"--source", "kafka", "--bootstrap-servers", KAFKA.bootstrapServers(), "--topic", topic});
    WindowedCountsJob.Settings settings = WindowedCountsJob.Settings.defaults();
    DataStream<ClickEvent> events =
        EventInput.from("windowed-counts", args)
            .events(env, new Outputs(new OutputFolders(null)), new EventTime.Watermarks(settings.outOfOrderness(), idleness));
    events.sinkTo(CollectToQueue.into(EVENTS));
    WindowedCountsJob.Results results = WindowedCountsJob.build(events, settings);
    results.tumbling().sinkTo(CollectToQueue.into(COUNTS));
    results.lateForTumbling().sinkTo(CollectToQueue.into(LATE));
    return new Running(
        env.executeAsync("windowed-counts-" + topic),
        CollectToQueue.queue(EVENTS),
        CollectToQueue.queue(COUNTS),
        CollectToQueue.queue(LATE));
  }

  private record Running(
      JobClient client, Queue<ClickEvent> events, Queue<PageWindowCount> counts, Queue<ClickEvent> late) {
    void awaitEvents(int count) {
      Await.until(() -> events.size() >= count, count + " events read");
    }

    PageWindowCount awaitCount(String page, long windowStart) {
      Await.until(
          () -> counts.stream().anyMatch(c -> c.pageId.equals(page) && c.windowStart == windowStart),
          "a count of " + page + " at " + windowStart);
      return counts.stream().filter(c -> c.pageId.equals(page) && c.windowStart == windowStart).findFirst().get();
    }

  }

  @Test
  void aRestartResumesFromTheCheckpointNotFromTheGroupOffsetsWhichFollowTheCheckpoints() throws Exception {
    GeneratorConfig config =
        GeneratorConfig.defaults().withEvents(4_000).withSeed(5).withUsersAndPages(200, 20).withDisorder(1_000, 0, 0);
    String topic = KAFKA.newTopic("restart", 2);
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    Map<String, Long> exact = new TreeMap<>();
    ClickstreamGenerator events = new ClickstreamGenerator(config);
    while (events.hasNext()) {
      ClickEvent event = events.next();
      records.add(
          new ProducerRecord<>(
              topic, event.userId.getBytes(StandardCharsets.UTF_8), event.toJson().getBytes(StandardCharsets.UTF_8)));
      if (event.kind == EventKind.VIEW) {
        long start = event.eventTime - Math.floorMod(event.eventTime, MINUTE);
        exact.merge(event.pageId + "@" + start + "-" + (start + MINUTE), 1L, Long::sum);
      }
    }
    KAFKA.send(records);
    String group = "restart-" + topic;
    startGroupAtZero(group, topic);

    Configuration conf = new Configuration();
    conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(100));
    conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
    conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 2);
    conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(100));
    conf.set(PipelineOptions.GENERIC_TYPES, false);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    env.setParallelism(2);
    ParsedArgs args =
        new WindowedCountsJob()
            .options()
            .parse(
                "windowed-counts",
                new String[] {
                  "--source", "kafka", "--bootstrap-servers", KAFKA.bootstrapServers(), "--topic", topic, "--group-id",
                  group, "--starting-offsets", "committed", "--bounded"
                });
    WindowedCountsJob.Settings settings = WindowedCountsJob.Settings.defaults();
    DataStream<ClickEvent> input =
        EventInput.from("windowed-counts", args)
            .events(
                env, new Outputs(new OutputFolders(null)), new EventTime.Watermarks(settings.outOfOrderness(), settings.idleness()));
    COMMITTED_BEFORE_THE_FAILURE.set(0);
    String bootstrapServers = KAFKA.bootstrapServers();
    // About 1,000 records a second in the first attempt, so that checkpoints complete among them. The failure waits,
    // without blocking the task, until the source has committed a completed checkpoint's offsets to the group.
    FailOnceAfterACheckpoint failure =
        FailOnceAfterACheckpoint.named(
            "kafka-restart",
            200,
            Duration.ofMillis(1),
            () -> COMMITTED_BEFORE_THE_FAILURE.get() > 0,
            () -> rewindGroup(bootstrapServers, group, topic));
    WindowedCountsJob.build(input.map(failure), settings)
        .tumbling()
        .sinkTo(CollectToQueue.into(COUNTS));
    Thread watcher = new Thread(() -> awaitCommittedOffsets(group), "committed-offsets-watcher");
    watcher.setDaemon(true);
    watcher.start();
    try {
      env.execute("restart-from-checkpoint");
    } finally {
      watcher.interrupt();
    }

    assertThat(FailOnceAfterACheckpoint.failures("kafka-restart")).as("injected failures").hasValue(1);
    // The group offsets were rewound to 0 at the failure (with --starting-offsets committed): had the restart read
    // them, events would count twice.
    Map<String, Long> standing = new TreeMap<>();
    Map<String, Integer> firings = new TreeMap<>();
    for (PageWindowCount count : CollectToQueue.<PageWindowCount>queue(COUNTS)) {
      String window = count.pageId + "@" + count.windowStart + "-" + count.windowEnd;
      if (count.firing > firings.getOrDefault(window, -1)) {
        firings.put(window, count.firing);
        standing.put(window, count.views);
      }
    }
    assertThat(standing).isEqualTo(exact);
    assertThat(COMMITTED_BEFORE_THE_FAILURE).as("offsets committed on the completed checkpoints").hasPositiveValue();
  }

  private static final AtomicLong COMMITTED_BEFORE_THE_FAILURE = new AtomicLong();

  /**
   * Commits offset 0 for the group before the job starts: that creates the group's coordinator, which a loaded broker
   * otherwise brings up only after the source's first offset commits have failed ("coordinator not available").
   */
  private static void startGroupAtZero(String group, String topic) throws Exception {
    Properties props = new Properties();
    props.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
    try (Admin admin = Admin.create(props)) {
      admin
          .alterConsumerGroupOffsets(
              group,
              Map.of(
                  new TopicPartition(topic, 0), new OffsetAndMetadata(0),
                  new TopicPartition(topic, 1), new OffsetAndMetadata(0)))
          .all()
          .get(60, TimeUnit.SECONDS);
    }
  }

  /**
   * Polls the group until it has the offsets of a completed checkpoint (the source commits them asynchronously) and
   * notes their sum in {@link #COMMITTED_BEFORE_THE_FAILURE}.
   */
  private static void awaitCommittedOffsets(String group) {
    Properties props = new Properties();
    props.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
    try (Admin admin = Admin.create(props)) {
      while (COMMITTED_BEFORE_THE_FAILURE.get() == 0 && !Thread.currentThread().isInterrupted()) {
        COMMITTED_BEFORE_THE_FAILURE.set(
            admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().values().stream()
                .filter(Objects::nonNull)
                .mapToLong(OffsetAndMetadata::offset)
                .sum());
        LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      throw new IllegalStateException("listing the group's offsets failed", e);
    }
  }

  /** Rewinds the group to offset 0, as if another consumer had reset it. */
  private static void rewindGroup(String bootstrapServers, String group, String topic) throws Exception {
    Properties props = new Properties();
    props.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    try (Admin admin = Admin.create(props)) {
      admin
          .alterConsumerGroupOffsets(
              group,
              Map.of(
                  new TopicPartition(topic, 0), new OffsetAndMetadata(0),
                  new TopicPartition(topic, 1), new OffsetAndMetadata(0)))
          .all()
          .get(60, TimeUnit.SECONDS);
    }
  }

  @Test
  void aMissingTopicOrASilentBrokerIsOneLineAndExitTwo() throws Exception {
    CliRun missing =
        CliRun.of("windowed-counts", "--source", "kafka", "--bootstrap-servers", KAFKA.bootstrapServers(), "--topic",
            "no-such-topic");
    assertThat(missing.status()).isEqualTo(2);
    assertThat(missing.err().strip())
        .isEqualTo("error: windowed-counts: topic 'no-such-topic' does not exist on " + KAFKA.bootstrapServers());

    int silentPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      silentPort = socket.getLocalPort();
    }
    CliRun silent =
        CliRun.of("windowed-counts", "--source", "kafka", "--bootstrap-servers", "localhost:" + silentPort, "--topic", "t");
    assertThat(silent.status()).isEqualTo(2);
    assertThat(silent.err().strip().lines()).hasSize(1);
    assertThat(silent.err()).startsWith("error: windowed-counts: no Kafka broker answered at localhost:" + silentPort);

    Path file = Files.writeString(dir.resolve("events.jsonl"), "");
    CliRun kafkaOptionWithFiles = CliRun.of("windowed-counts", "--input", file.toString(), "--topic", "t");
    assertThat(kafkaOptionWithFiles.status()).isEqualTo(2);
    assertThat(kafkaOptionWithFiles.err().strip()).isEqualTo("error: windowed-counts: --topic needs --source kafka");

    CliRun badOffsets =
        CliRun.of("windowed-counts", "--source", "kafka", "--bootstrap-servers", KAFKA.bootstrapServers(), "--topic", "t",
            "--starting-offsets", "yesterday");
    assertThat(badOffsets.status()).isEqualTo(2);
    assertThat(badOffsets.err().strip())
        .isEqualTo(
            "error: windowed-counts: --starting-offsets must be earliest, latest, committed or a time in epoch"
                + " milliseconds, not 'yesterday'");
  }

  @Test
  void produceKeysEveryEventByItsUserAndRefusesAnotherPartitionCount() throws Exception {
    String topic = "produced-" + UUID.randomUUID();
    CliRun produced =
        CliRun.of("produce", "--bootstrap-servers", KAFKA.bootstrapServers(), "--topic", topic, "--partitions", "3",
            "--events", "2000", "--users", "50");
    assertThat(produced.status()).as(produced.err()).isZero();
    assertThat(produced.out()).startsWith("produced 2,000 records to " + topic + " (3 partitions)");

    Map<String, Set<Integer>> partitionsByUser = new TreeMap<>();
    List<ConsumerRecord<byte[], byte[]>> records = KAFKA.readCommitted(topic);
    assertThat(records).hasSize(2_000);
    for (ConsumerRecord<byte[], byte[]> record : records) {
      ClickEvent event = ClickEventParser.parse(record.value());
      assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo(event.userId);
      partitionsByUser.computeIfAbsent(event.userId, user -> new TreeSet<>()).add(record.partition());
    }
    assertThat(partitionsByUser.values()).allSatisfy(partitions -> assertThat(partitions).hasSize(1));
    assertThat(records.stream().map(ConsumerRecord::partition).distinct()).hasSize(3);

    CliRun otherCount =
        CliRun.of("produce", "--bootstrap-servers", KAFKA.bootstrapServers(), "--topic", topic, "--partitions", "4",
            "--events", "10");
    assertThat(otherCount.status()).isEqualTo(2);
    assertThat(otherCount.err().strip())
        .isEqualTo(
            "error: produce: topic '" + topic + "' exists with 3 partitions, not 4; leave out --partitions to write to"
                + " it as it is");
  }

  /** The count of each window's highest firing, by page and window. */
  static Map<String, Long> standingCounts(Path folder) throws IOException {
    Map<String, Long> counts = new TreeMap<>();
    Map<String, Long> firings = new TreeMap<>();
    for (String line : OutputFiles.lines(folder)) {
      Map<String, Object> r = OutputFiles.fields(line);
      String window = r.get("pageId") + "@" + r.get("windowStart") + "-" + r.get("windowEnd");
      long firing = (Long) r.get("firing");
      if (firing > firings.getOrDefault(window, -1L)) {
        firings.put(window, firing);
        counts.put(window, (Long) r.get("views"));
      }
    }
    return counts;
  }

  private static List<String> deadLetterLines(Path output) throws IOException {
    List<String> lines = new ArrayList<>();
    for (String deadLetter : OutputFiles.lines(output.resolve(OutputFolders.DEAD_LETTERS))) {
      lines.add((String) OutputFiles.fields(deadLetter).get("line"));
    }
    return lines;
  }

  private static String view(long id, String page, long time) {
    return new ClickEvent(id, "u" + id, page, EventKind.VIEW, null, time).toJson();
  }

  private static ProducerRecord<byte[], byte[]> record(String topic, int partition, String value) {
    return new ProducerRecord<>(topic, partition, null, value.getBytes(StandardCharsets.UTF_8));
  }
}
