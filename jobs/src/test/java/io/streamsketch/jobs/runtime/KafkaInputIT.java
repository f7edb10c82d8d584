package io.streamsketch.jobs.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsketch.generator.ClickstreamGenerator;
import io.streamsketch.generator.ClickstreamText;
import io.streamsketch.generator.GeneratorConfig;
import io.streamsketch.jobs.StreamSketchCli;
import io.streamsketch.jobs.cli.ParsedArgs;
import io.streamsketch.jobs.testing.CollectToQueue;
import io.streamsketch.jobs.testing.OutputFiles;
import io.streamsketch.jobs.windowedcounts.WindowedCountsJob;
import io.streamsketch.model.ClickEvent;
import io.streamsketch.model.EventKind;
import io.streamsketch.model.PageWindowCount;
import io.streamsketch.testing.kafka.KafkaBrokerExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
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
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
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
    Run produced =
        cli("produce", "--bootstrap-servers", KAFKA.bootstrapServers(), "--topic", topic, "--input", file.toString(),
            "--partitions", "3");
    assertThat(produced.status).as(produced.err).isZero();

    Path fromFile = dir.resolve("from-file");
    Path fromKafka = dir.resolve("from-kafka");
    Run fileRun = cli("windowed-counts", "--input", file.toString(), "--output", fromFile.toString(),
        "--parallelism", "2");
    Run kafkaRun =
        cli("windowed-counts", "--source", "kafka", "--bootstrap-servers", KAFKA.bootstrapServers(), "--topic", topic,
            "--bounded", "--output", fromKafka.toString(), "--parallelism", "2");
    assertThat(fileRun.status).as(fileRun.err).isZero();
    assertThat(kafkaRun.status).as(kafkaRun.err).isZero();

    // --bounded ends the job by itself, with its summary; the malformed records are counted dead letters.
    assertThat(kafkaRun.out).containsPattern("dead-letters\\s+" + String.format("%,d", counts.malformedLines()));
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
    // Partition 0 runs ten minutes ahead; partition 1 has one view in the first minute, sent after all of them.
    for (int i = 0; i < 100; i++) {
      records.add(record(topic, 0, view(i, "ahead", T0 + i * 6_000L)));
    }
    records.add(record(topic, 1, view(1_000, "behind", T0 + 1_000)));
    KAFKA.send(records);

    Path output = dir.resolve("out");
    // One source subtask reads both partitions: only per-partition watermarks keep the late partition on time.
    Run run =
        cli("windowed-counts", "--source", "kafka", "--bootstrap-servers", KAFKA.bootstrapServers(), "--topic", topic,
            "--bounded", "--output", output.toString(), "--parallelism", "1");
    assertThat(run.status).as(run.err).isZero();

    assertThat(OutputFiles.lines(output.resolve("late-tumbling"))).isEmpty();
    assertThat(standingCounts(output.resolve("tumbling-counts")))
        .containsEntry("behind@" + T0 + "-" + (T0 + MINUTE), 1L);
  }

  @Test
  void anIdlePartitionDoesNotHoldTheWatermarkBack() throws Exception {
    String topic = KAFKA.newTopic("idle", 2);
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      records.add(record(topic, 0, view(i, "busy", T0 + i * 10_000L)));
    }
    KAFKA.send(records); // Partition 1 stays empty.

    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(1);
    ParsedArgs args =
        new WindowedCountsJob()
            .options()
            .parse(
                "windowed-counts",
                new String[] {"--source", "kafka", "--bootstrap-servers", KAFKA.bootstrapServers(), "--topic", topic});
    WindowedCountsJob.Settings settings = WindowedCountsJob.Settings.defaults();
    EventTime.Watermarks watermarks = new EventTime.Watermarks(settings.outOfOrderness(), Duration.ofSeconds(1));
    WindowedCountsJob.Results results =
        WindowedCountsJob.build(
            EventInput.from("windowed-counts", args).events(env, new Outputs(new OutputFolders(null)), watermarks), settings);
    results.tumbling().sinkTo(CollectToQueue.into(COUNTS));
    Queue<PageWindowCount> counts = CollectToQueue.queue(COUNTS);

    // Unbounded: without idleness the empty partition would keep every window open for as long as the job runs.
    JobClient job = env.executeAsync("idle-partition");
    try {
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (counts.stream().noneMatch(count -> count.windowStart == T0) && System.nanoTime() < deadline) {
        LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
      }
      assertThat(counts).as("the first minute fired while partition 1 is silent")
          .anyMatch(count -> count.windowStart == T0 && count.views == 6);
    } finally {
      job.cancel().get();
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

    Configuration conf = new Configuration();
    conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(100));
    conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
    conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 2);
    conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(100));
    conf.set(PipelineOptions.GENERIC_TYPES, false);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    env.setParallelism(2);
    String group = "restart-" + topic;
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
    FAILURES.set(0);
    COMMITTED_BEFORE_THE_FAILURE.set(0);
    WindowedCountsJob.build(input.map(new RewindGroupAndFailOnce(KAFKA.bootstrapServers(), group, topic)), settings)
        .tumbling()
        .sinkTo(CollectToQueue.into(COUNTS));
    env.execute("restart-from-checkpoint");

    assertThat(FAILURES).as("injected failures").hasValue(1);
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

  private static final AtomicInteger FAILURES = new AtomicInteger();

  /**
   * In the first attempt of subtask 0: slows its records down so that checkpoints complete among them, and after one
   * has, rewinds the consumer group to offset 0 and fails.
   */
  static final class RewindGroupAndFailOnce extends RichMapFunction<ClickEvent, ClickEvent>
      implements CheckpointListener {
    private final String bootstrapServers;
    private final String group;
    private final String topic;
    private transient boolean armed;
    private transient boolean checkpointed;
    private transient long records;

    RewindGroupAndFailOnce(String bootstrapServers, String group, String topic) {
      this.bootstrapServers = bootstrapServers;
      this.group = group;
      this.topic = topic;
    }

    @Override
    public void open(OpenContext context) {
      armed =
          getRuntimeContext().getTaskInfo().getAttemptNumber() == 0
              && getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() == 0;
    }

    @Override
    public ClickEvent map(ClickEvent event) throws Exception {
      if (!armed) {
        return event;
      }
      records++;
      if (checkpointed && records > 200) {
        armed = false;
        Properties props = new Properties();
        props.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (Admin admin = Admin.create(props)) {
          // The source commits a completed checkpoint's offsets asynchronously: poll for them with a deadline.
          long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
          while (COMMITTED_BEFORE_THE_FAILURE.get() == 0 && System.nanoTime() < deadline) {
            COMMITTED_BEFORE_THE_FAILURE.set(
                admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().values().stream()
                    .filter(Objects::nonNull)
                    .mapToLong(OffsetAndMetadata::offset)
                    .sum());
            LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
          }
          admin
              .alterConsumerGroupOffsets(
                  group,
                  Map.of(
                      new TopicPartition(topic, 0), new OffsetAndMetadata(0),
                      new TopicPartition(topic, 1), new OffsetAndMetadata(0)))
              .all()
              .get();
        }
        FAILURES.incrementAndGet();
        throw new IllegalStateException("injected failure after " + records + " records");
      }
      // A rate, not a wait: about 1,000 records a second, so that checkpoints complete among them.
      LockSupport.parkNanos(Duration.ofMillis(1).toNanos());
      return event;
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
      checkpointed = true;
    }
  }

  @Test
  void aMissingTopicOrASilentBrokerIsOneLineAndExitTwo() throws Exception {
    Run missing =
        cli("windowed-counts", "--source", "kafka", "--bootstrap-servers", KAFKA.bootstrapServers(), "--topic",
            "no-such-topic");
    assertThat(missing.status).isEqualTo(2);
    assertThat(missing.err.strip())
        .isEqualTo("error: windowed-counts: topic 'no-such-topic' does not exist on " + KAFKA.bootstrapServers());

    int silentPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      silentPort = socket.getLocalPort();
    }
    Run silent =
        cli("windowed-counts", "--source", "kafka", "--bootstrap-servers", "localhost:" + silentPort, "--topic", "t");
    assertThat(silent.status).isEqualTo(2);
    assertThat(silent.err.strip().lines()).hasSize(1);
    assertThat(silent.err).startsWith("error: windowed-counts: no Kafka broker answered at localhost:" + silentPort);

    Run kafkaOptionWithFiles = cli("windowed-counts", "--input", "x.jsonl", "--topic", "t");
    assertThat(kafkaOptionWithFiles.status).isEqualTo(2);
    assertThat(kafkaOptionWithFiles.err.strip()).isEqualTo("error: windowed-counts: --topic needs --source kafka");
  }

  private record Run(int status, String out, String err) {}

  private static Run cli(String... args) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        StreamSketchCli.run(
            args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
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
