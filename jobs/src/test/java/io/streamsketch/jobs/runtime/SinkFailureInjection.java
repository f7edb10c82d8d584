package io.streamsketch.jobs.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsketch.generator.ClickstreamGenerator;
import io.streamsketch.generator.GeneratorConfig;
import io.streamsketch.jobs.StreamSketchCli;
import io.streamsketch.model.ClickEvent;
import io.streamsketch.testing.kafka.KafkaBrokerExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.util.TestStreamEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failure injection for a sink: a job reads a Kafka topic of N known events (4 partitions, some malformed records)
 * at parallelism 2 on RocksDB with incremental checkpoints every 300 ms, once without failures and once with three
 * exceptions thrown inside an operator and one TaskManager terminated and replaced, at seeded random points. The
 * outputs of both runs must be the same records: none lost, none duplicated. Subclasses say how a sink is chosen and
 * how its committed output is read.
 *
 * <p>The events are in event-time order in every partition (no delay, no late events) and the source assigns
 * watermarks per partition, so no event is ever late and the outputs do not depend on timing, only on the input.
 */
abstract class SinkFailureInjection {
  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

  static final int PARTITIONS = 4;
  static final int EVENTS = 20_000;
  static final int MALFORMED = 7;
  /** Per source subtask: about 2 s of input, so several checkpoints complete between the failures. */
  static final double EVENTS_PER_SECOND = 5_000;
  static final Duration RUN_TIMEOUT = Duration.ofMinutes(2);

  private static MiniCluster cluster;

  @TempDir static Path work;

  @BeforeAll
  static void startCluster() throws Exception {
    Configuration conf = new Configuration();
    conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.parse("64m"));
    // One slot of each TaskManager per job: terminating either one always kills a running task.
    conf.set(TaskManagerOptions.TASK_MANAGER_LOAD_BALANCE_MODE, TaskManagerOptions.TaskManagerLoadBalanceMode.SLOTS);
    cluster =
        new MiniCluster(
            new MiniClusterConfiguration.Builder()
                .setConfiguration(conf)
                .setNumTaskManagers(2)
                .setNumSlotsPerTaskManager(2)
                .build());
    cluster.start();
    Configuration job = new Configuration();
    job.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
    job.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
    job.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, work.resolve("checkpoints").toUri().toString());
    job.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(300));
    job.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
    job.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 10);
    job.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
    ConfiguredTestEnvironment.setAsContext(cluster, job);
  }

  /**
   * Runs every job the CLI builds in this JVM on {@link #cluster} with the test's configuration under the CLI's own:
   * under a context environment the CLI does not read {@code config.yaml}, as under {@code flink run}.
   */
  private static final class ConfiguredTestEnvironment extends TestStreamEnvironment {
    private ConfiguredTestEnvironment(MiniCluster cluster, Configuration conf) {
      super(cluster, conf, 2, List.of(), List.of());
    }

    static void setAsContext(MiniCluster cluster, Configuration defaults) {
      initializeContextEnvironment(
          conf -> {
            Configuration merged = new Configuration(defaults);
            merged.addAll(conf);
            ConfiguredTestEnvironment env = new ConfiguredTestEnvironment(cluster, merged);
            env.configure(merged);
            return env;
          });
    }
  }

  @AfterAll
  static void stopCluster() throws Exception {
    TestStreamEnvironment.unsetAsContext();
    cluster.close();
  }

  @AfterEach
  void clearFaults() {
    FaultInjection.clear();
  }

  /** The options that send every output of the run {@code run} to this sink. */
  abstract List<String> sinkOptions(String run) throws Exception;

  /** Every committed record of every output of the run {@code run}, by output, as comparable strings. */
  abstract Map<String, List<String>> committedOutputs(String run) throws Exception;

  /**
   * Runs {@code job} on a fresh topic without failures and with failures, and asserts the same records came out.
   *
   * @return the outputs of the run without failures, for job-specific checks
   */
  Map<String, List<String>> assertExactlyOnceUnderFailures(String job, long seed, String... jobOptions)
      throws Exception {
    String topic = KAFKA.newTopic(job + "-events", PARTITIONS);
    send(events(topic, seed));
    String name = job + "-" + seed;

    run(job, topic, name + "-baseline", jobOptions);
    Map<String, List<String>> expected = committedOutputs(name + "-baseline");

    Random random = new Random(seed);
    TreeSet<Long> points = new TreeSet<>();
    while (points.size() < 4) {
      points.add(EVENTS / 4 + (long) (random.nextDouble() * EVENTS * 0.7));
    }
    long terminateAt = points.pollFirst() + EVENTS / 20;
    FaultInjection.Plan plan = new FaultInjection.Plan(points, EVENTS_PER_SECOND);
    FaultInjection.install(plan);
    CompletableFuture<Void> replaced = CompletableFuture.runAsync(() -> terminateAndReplaceATaskManager(plan, terminateAt));
    run(job, topic, name + "-failures", jobOptions);
    replaced.get(RUN_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    assertThat(plan.failuresThrown()).as("exceptions thrown in an operator at " + points).isEqualTo(3);
    assertThat(plan.checkpointsBeforeFailures())
        .as("the latest completed checkpoint at each exception: a restore from a checkpoint, not from the start")
        .last()
        .isNotEqualTo(0L);
    assertThat(plan.eventsSeen()).as("events seen, replays included").isGreaterThan(EVENTS);
    Map<String, List<String>> actual = committedOutputs(name + "-failures");

    assertThat(expected.get(OutputFolders.DEAD_LETTERS)).as("dead letters").hasSize(MALFORMED);
    expected.forEach(
        (output, records) -> assertThat(records).as(output + ": every record is distinct").doesNotHaveDuplicates());
    assertThat(actual.keySet()).isEqualTo(expected.keySet());
    expected.forEach(
        (output, records) ->
            assertThat(actual.get(output))
                .as(output + ": the records of the run with failures, lost or duplicated ones listed")
                .containsExactlyInAnyOrderElementsOf(records));
    return expected;
  }

  /**
   * Sends the records, once each, in order per partition. One request in flight: on a loaded machine an idempotent
   * producer with several in flight was seen retrying a first batch after later ones were appended, which the
   * broker then rejects for ever as out of order.
   */
  private static void send(List<ProducerRecord<byte[], byte[]>> records) throws Exception {
    Properties config = new Properties();
    config.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
    config.setProperty(ProducerConfig.ACKS_CONFIG, "all");
    config.setProperty(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    config.setProperty(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
      List<Future<RecordMetadata>> acks = new ArrayList<>();
      for (ProducerRecord<byte[], byte[]> record : records) {
        acks.add(producer.send(record));
      }
      for (Future<RecordMetadata> ack : acks) {
        ack.get(RUN_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      }
    }
  }

  /** Waits until the hook has seen {@code point} events, then terminates TaskManager 0 and starts a new one. */
  private static void terminateAndReplaceATaskManager(FaultInjection.Plan plan, long point) {
    long deadline = System.nanoTime() + RUN_TIMEOUT.toNanos();
    while (plan.eventsSeen() < point) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the job never reached event " + point);
      }
      LockSupport.parkNanos(1_000_000);
    }
    try {
      cluster.terminateTaskManager(0).get();
      cluster.startTaskManager();
    } catch (Exception e) {
      throw new IllegalStateException("could not replace TaskManager 0", e);
    }
  }

  private void run(String job, String topic, String run, String... jobOptions) throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                job,
                "--source", "kafka",
                "--bootstrap-servers", KAFKA.bootstrapServers(),
                "--topic", topic,
                "--group-id", run,
                "--bounded",
                "--parallelism", "2"));
    args.addAll(sinkOptions(run));
    args.addAll(List.of(jobOptions));
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    int status =
        StreamSketchCli.run(
            args.toArray(String[]::new),
            new PrintStream(stdout, true, StandardCharsets.UTF_8),
            new PrintStream(stderr, true, StandardCharsets.UTF_8));
    assertThat(status).as(stdout.toString(StandardCharsets.UTF_8) + stderr.toString(StandardCharsets.UTF_8)).isZero();
  }

  /** N generated events in event-time order, keyed by user, with the malformed records spread among them. */
  private static List<ProducerRecord<byte[], byte[]>> events(String topic, long seed) {
    GeneratorConfig config =
        GeneratorConfig.defaults().withEvents(EVENTS).withSeed(seed).withUsersAndPages(2_000, 40).withDisorder(0, 0, 0);
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    ClickstreamGenerator generator = new ClickstreamGenerator(config);
    int malformed = 0;
    while (generator.hasNext()) {
      ClickEvent event = generator.next();
      records.add(record(topic, event.userId, event.toJson()));
      if (event.eventId % (EVENTS / MALFORMED) == 1 && malformed < MALFORMED) {
        malformed++;
        records.add(record(topic, "malformed-" + malformed, "{\"eventId\":" + event.eventId + ",\"broken\":" + malformed));
      }
    }
    assertThat(malformed).isEqualTo(MALFORMED);
    return records;
  }

  private static ProducerRecord<byte[], byte[]> record(String topic, String key, String value) {
    return new ProducerRecord<>(
        topic, null, key.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8));
  }
}
