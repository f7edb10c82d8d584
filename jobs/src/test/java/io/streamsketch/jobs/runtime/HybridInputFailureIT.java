package io.streamsketch.jobs.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsketch.jobs.cli.ParsedArgs;
import io.streamsketch.jobs.hybridcounts.HybridCountsJob;
import io.streamsketch.jobs.testing.CollectToQueue;
import io.streamsketch.jobs.testing.FailOnceAfterACheckpoint;
import io.streamsketch.jobs.testing.HybridData;
import io.streamsketch.model.ClickEvent;
import io.streamsketch.model.PageWindowCount;
import io.streamsketch.testing.kafka.KafkaBrokerExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failure injection across the switch of the hybrid input: {@code hybrid-counts} over a file then a topic, on RocksDB
 * with incremental checkpoints every 100 ms, fails once after a checkpoint and restores from it. The checkpoint is taken
 * while the files are read, after the last file event and before the first topic event (the source switching or
 * switched, with no live record yet), or while the topic is read. Each time the counts must be the exact counts of
 * the files plus the topic: nothing counted twice or lost at the switch or at the restore.
 */
class HybridInputFailureIT {
  @RegisterExtension
  static final MiniClusterExtension CLUSTER =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

  /** The history holds events [0, 2500), all before the switch; the topic [2300, 5000), of which 200 are skipped. */
  private static final int HISTORY_END = 2_500;

  private static final int TOPIC_START = 2_300;
  private static final int TOPIC_END = 5_000;
  private static final String COUNTS = "hybrid-failure-counts";
  private static final String LATE = "hybrid-failure-late";
  private static final Duration DEADLINE = Duration.ofSeconds(120);

  @TempDir Path dir;

  @Test
  void aRestoreFromACheckpointTakenWhileTheFilesAreReadKeepsTheCountsExact() throws Exception {
    String name = "hybrid-before-the-switch";
    String topic = topicWith(TOPIC_START, TOPIC_END);
    Running job = start(topic, FailOnceAfterACheckpoint.named(name, HISTORY_END / 2, Duration.ofMillis(1), () -> {}));
    job.awaitExactCounts(name);
    assertThat(FailOnceAfterACheckpoint.recordsAtACompletedCheckpoint(name).get())
        .as("file events before the restored checkpoint")
        .isBetween(0L, (long) HISTORY_END / 2);
  }

  @Test
  void aRestoreFromACheckpointTakenAtTheSwitchKeepsTheCountsExact() throws Exception {
    String name = "hybrid-at-the-switch";
    // At first the topic holds only copies of history, all skipped: after the files, the source has no event to read.
    String topic = topicWith(TOPIC_START, HISTORY_END);
    // Fails when the first checkpoint taken after every file event completes: the source is then switching to the
    // topic (the Kafka enumerator looks up the partitions) or has just switched, with no live event yet.
    Running job = start(topic, FailOnceAfterACheckpoint.atACheckpointAfter(name, HISTORY_END, Duration.ofMillis(1)));
    await(() -> FailOnceAfterACheckpoint.failures(name).get() == 1, "the failure at the first checkpoint after the files");
    KAFKA.send(HybridData.records(topic, HISTORY_END, TOPIC_END));
    KAFKA.send(HybridData.clicksInEveryPartition(topic, HybridData.time(TOPIC_END) + 10 * HybridData.MINUTE));
    job.awaitExactCounts(name);
    // The checkpoint that failed had exactly the file events behind it, and none after.
    assertThat(FailOnceAfterACheckpoint.recordsAtACompletedCheckpoint(name).get()).isEqualTo(HISTORY_END);
  }

  @Test
  void aRestoreFromACheckpointTakenWhileTheTopicIsReadKeepsTheCountsExact() throws Exception {
    String name = "hybrid-after-the-switch";
    String topic = topicWith(TOPIC_START, TOPIC_END);
    long failAfter = HISTORY_END + (TOPIC_END - HISTORY_END) / 2;
    Running job = start(topic, FailOnceAfterACheckpoint.named(name, failAfter, Duration.ofMillis(1), () -> {}));
    job.awaitExactCounts(name);
    assertThat(FailOnceAfterACheckpoint.recordsAtACompletedCheckpoint(name).get())
        .as("events before the restored checkpoint")
        .isBetween((long) HISTORY_END + 1, failAfter);
  }

  /** A topic of events [from, to), plus, if it reaches the end, a click in every partition 10 min later. */
  private static String topicWith(int from, int to) {
    String topic = KAFKA.newTopic("hybrid-failure", HybridData.PARTITIONS);
    KAFKA.send(HybridData.records(topic, from, to));
    if (to == TOPIC_END) {
      KAFKA.send(HybridData.clicksInEveryPartition(topic, HybridData.time(TOPIC_END) + 10 * HybridData.MINUTE));
    }
    return topic;
  }

  /**
   * Starts an unbounded hybrid-counts pipeline with {@code failure} after the input (at its parallelism of 1, so one
   * subtask sees every event in order), collecting the counts and late events. The clicks 10 min after the last event
   * release every window.
   */
  private Running start(String topic, FailOnceAfterACheckpoint failure) throws Exception {
    Path history = dir.resolve("history.jsonl");
    HybridData.writeHistory(history, 0, HISTORY_END);
    Configuration conf = new Configuration();
    conf.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
    conf.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
    // Not in the @TempDir: Flink may still discard a cancelled job's checkpoints while JUnit deletes that folder.
    Path checkpoints = Files.createTempDirectory("hybrid-input-failure-checkpoints");
    conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
    conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(100));
    conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
    conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 2);
    conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(100));
    conf.set(PipelineOptions.GENERIC_TYPES, false);
    // As flink-conf/config.yaml: Flink refuses the graph if an operator of the input or the job has no uid.
    conf.set(PipelineOptions.AUTO_GENERATE_UIDS, false);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    env.configure(conf);
    env.setParallelism(2);
    ParsedArgs args =
        new HybridCountsJob()
            .options()
            .parse(
                HybridCountsJob.NAME,
                new String[] {
                  "--input", history.toString(), "--bootstrap-servers", KAFKA.bootstrapServers(), "--topic", topic
                });
    HybridCountsJob.Settings settings = HybridCountsJob.Settings.defaults();
    DataStream<ClickEvent> events =
        EventInput.hybrid(HybridCountsJob.NAME, args)
            .events(
                env,
                new Outputs(new OutputFolders(null)),
                new EventTime.Watermarks(settings.outOfOrderness(), settings.idleness()));
    DataStream<ClickEvent> failing =
        events.map(failure).setParallelism(events.getParallelism()).uid("fail-once").name("fail-once");
    HybridCountsJob.Results results = HybridCountsJob.build(failing, settings);
    CollectToQueue.queue(COUNTS).clear();
    CollectToQueue.queue(LATE).clear();
    results.counts().sinkTo(CollectToQueue.into(COUNTS)).uid("collect-counts");
    results.late().sinkTo(CollectToQueue.into(LATE)).uid("collect-late");
    return new Running(env.executeAsync("hybrid-failure-" + topic), CollectToQueue.queue(COUNTS), CollectToQueue.queue(LATE));
  }

  private record Running(JobClient client, Queue<PageWindowCount> counts, Queue<ClickEvent> late) {
    /** Waits for the injected failure and then for the exact counts; cancels the job either way. */
    void awaitExactCounts(String name) throws Exception {
      Map<String, Long> exact = HybridData.exactViews(0, TOPIC_END);
      try {
        await(() -> FailOnceAfterACheckpoint.failures(name).get() == 1, "the injected failure");
        try {
          await(() -> HybridData.standing(List.copyOf(counts)).equals(exact), "the exact counts");
        } catch (AssertionError timedOut) {
          assertThat(HybridData.standing(List.copyOf(counts))).as(timedOut.getMessage()).isEqualTo(exact);
        }
        assertThat(late).isEmpty();
      } finally {
        client.cancel().get();
        await(this::ended, "the cancelled job's end");
      }
    }

    private boolean ended() {
      try {
        return client.getJobStatus().get().isGloballyTerminalState();
      } catch (ExecutionException e) {
        // The cluster no longer knows the job: it has ended.
        return true;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for the cancelled job's end", e);
      }
    }
  }

  private static void await(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no " + what + " within " + DEADLINE.toSeconds() + " s");
      }
      LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
    }
  }
}
