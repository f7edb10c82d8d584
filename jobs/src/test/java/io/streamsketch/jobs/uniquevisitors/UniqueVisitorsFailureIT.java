package io.streamsketch.jobs.uniquevisitors;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsketch.flink.io.ClickEventWatermarks;
import io.streamsketch.flink.io.ClickstreamSource;
import io.streamsketch.generator.GeneratorConfig;
import io.streamsketch.jobs.testing.CollectToQueue;
import io.streamsketch.jobs.testing.FailOnceAfterACheckpoint;
import io.streamsketch.model.ClickEvent;
import io.streamsketch.model.UniqueVisitors;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failure injection: {@code unique-visitors} on RocksDB (incremental checkpoints every 100 ms) fails once mid-stream,
 * after a checkpoint completed, restarts from that checkpoint and must end with the same estimates per (page or all
 * pages, window) as a run without failure on the hashmap backend. The local pre-aggregation holds partials in heap
 * only between flushes, and flushes before every barrier: a loss or a double count would show here.
 */
class UniqueVisitorsFailureIT {
  @RegisterExtension
  static final MiniClusterExtension CLUSTER =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

  /**
   * No late events: with two source subtasks the watermark is the slower one's, so whether an injected late event is
   * behind it depends on timing, which would make the two runs differ for a reason other than the failure.
   */
  private static final GeneratorConfig CONFIG =
      GeneratorConfig.defaults().withEvents(40_000).withSeed(11).withUsersAndPages(3_000, 50).withDisorder(5_000, 0, 0);
  /** Slow enough (about 2.5 s per run) that several checkpoints complete before the input ends. */
  private static final double EVENTS_PER_SECOND = 16_000;


  private static final String NAME = "unique-visitors-failure";

  @TempDir Path checkpoints;

  @Test
  void aRestartFromACheckpointGivesTheEstimatesOfARunWithoutFailure() throws Exception {
    Map<String, Long> withoutFailure = run("hashmap", false);
    assertThat(FailOnceAfterACheckpoint.failures(NAME)).hasValue(0);
    Map<String, Long> withFailure = run("rocksdb", true);
    assertThat(FailOnceAfterACheckpoint.failures(NAME)).as("injected failures").hasValue(1);
    assertThat(withFailure).isEqualTo(withoutFailure);
    assertThat(withoutFailure).hasSizeGreaterThan(100);
  }

  /** Runs the job; returns the estimate of the record with the highest firing per (page, window). */
  private Map<String, Long> run(String backend, boolean injectFailure) throws Exception {
    Configuration conf = new Configuration();
    conf.set(StateBackendOptions.STATE_BACKEND, backend);
    conf.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
    conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.resolve(backend).toUri().toString());
    conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
    conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 2);
    conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(100));
    conf.set(PipelineOptions.GENERIC_TYPES, false);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    env.configure(conf);
    env.setParallelism(2);
    env.enableCheckpointing(100);

    UniqueVisitorsJob.Settings settings = UniqueVisitorsJob.Settings.defaults();
    DataStream<ClickEvent> events =
        env.fromSource(
                ClickstreamSource.create(CONFIG, EVENTS_PER_SECOND),
                ClickEventWatermarks.boundedOutOfOrderness(
                    settings.windows().outOfOrderness(), settings.windows().idleness()),
                "events")
            .map(FailOnceAfterACheckpoint.named(NAME, injectFailure ? 8_000 : Long.MAX_VALUE))
            .name("inject-failure");
    UniqueVisitorsJob.Results results = UniqueVisitorsJob.build(events, settings);
    results.perPage().union(results.global()).sinkTo(CollectToQueue.into(NAME));
    results.lateEvents().sinkTo(new DiscardingSink<>());
    env.execute("unique-visitors with failure " + injectFailure);

    // Outputs are not transactional: a restart repeats firings, so keep the highest firing per window.
    Map<String, UniqueVisitors> latest = new HashMap<>();
    for (UniqueVisitors r : CollectToQueue.<UniqueVisitors>queue(NAME)) {
      latest.merge(r.pageId + "@" + r.windowStart, r, (a, b) -> a.firing >= b.firing ? a : b);
    }
    Map<String, Long> estimates = new HashMap<>();
    latest.forEach((window, r) -> estimates.put(window, r.estimate));
    return estimates;
  }
}
