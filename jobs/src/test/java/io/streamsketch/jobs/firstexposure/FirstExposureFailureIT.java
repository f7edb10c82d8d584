package io.streamsketch.jobs.firstexposure;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsketch.flink.io.ClickstreamSource;
import io.streamsketch.flink.io.JsonLinesSink;
import io.streamsketch.generator.GeneratorConfig;
import io.streamsketch.jobs.testing.FailOnceAfterACheckpoint;
import io.streamsketch.jobs.testing.OutputFiles;
import io.streamsketch.model.AdExposure;
import io.streamsketch.model.ClickEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Exactly-once state of {@code first-exposure} across a failure: a job that fails once mid-stream, after a completed
 * checkpoint, and restarts from it, gives every impression exactly the answer of a run without failure, on both
 * state backends. The heap cache (5 ads for 100) is written back on every checkpoint and evicts all the time.
 */
class FirstExposureFailureIT {
  @RegisterExtension
  static final MiniClusterExtension CLUSTER =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

  private static final int EVENTS = 30_000;
  private static final int FAIL_AFTER = 12_000;
  // The rate only spreads the input over a few seconds so that checkpoints complete before the failure.
  private static final double EVENTS_PER_SECOND = 10_000;

  private static final String NAME = "first-exposure-failure";

  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"rocksdb", "hashmap"})
  void aRestartFromACheckpointGivesTheAnswersOfARunWithoutFailure(String backend) throws Exception {
    Map<Long, String> withoutFailure = run(backend, false, dir.resolve("clean"));
    assertThat(FailOnceAfterACheckpoint.failures(NAME)).hasValue(0);
    Map<Long, String> withFailure = run(backend, true, dir.resolve("failed"));
    assertThat(FailOnceAfterACheckpoint.failures(NAME)).as("the injected failure happened").hasValue(1);

    assertThat(withFailure.keySet()).isEqualTo(withoutFailure.keySet());
    List<String> different =
        withoutFailure.keySet().stream()
            .filter(id -> !withFailure.get(id).equals(withoutFailure.get(id)))
            .sorted()
            .map(id -> id + ": " + withoutFailure.get(id) + " without failure, " + withFailure.get(id) + " with")
            .toList();
    assertThat(different).as("answers that differ").isEmpty();
    assertThat(withoutFailure.values()).anyMatch(answer -> answer.startsWith("true"));
    assertThat(withoutFailure.values()).anyMatch(answer -> answer.startsWith("false"));
  }

  /** Runs the job; returns each impression's answer and stated rate, checking that each appears exactly once. */
  private static Map<Long, String> run(String backend, boolean fail, Path output) throws Exception {
    Configuration conf = new Configuration();
    conf.set(StateBackendOptions.STATE_BACKEND, backend);
    conf.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
    conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(150));
    conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, output.resolve("checkpoints").toUri().toString());
    conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
    conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 2);
    conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(100));
    conf.set(PipelineOptions.GENERIC_TYPES, false);
    conf.set(CoreOptions.DEFAULT_PARALLELISM, 2);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);

    GeneratorConfig generator = GeneratorConfig.defaults().withEvents(EVENTS).withSeed(3).withUsersAndPages(2_000, 100);
    // One source subtask: each ad's operator subtask then receives the impressions in the same order in every run.
    DataStream<ClickEvent> events =
        env.fromSource(
                ClickstreamSource.create(generator, EVENTS_PER_SECOND), WatermarkStrategy.noWatermarks(), "generator")
            .setParallelism(1)
            .uid("generator")
            .map(FailOnceAfterACheckpoint.named(NAME, fail ? FAIL_AFTER : Long.MAX_VALUE))
            .setParallelism(1)
            .uid("fail-once");
    DataStream<AdExposure> answers =
        FirstExposureJob.build(events, new FirstExposureJob.Settings(300, 0.05, 5, false, false));
    answers
        .sinkTo(JsonLinesSink.create(output.resolve("answers").toUri().toString(), AdExposure::toJson))
        .uid("answers");
    env.execute("first-exposure-failure-" + backend);

    Map<Long, String> answersById = new HashMap<>();
    for (String line : OutputFiles.lines(output.resolve("answers"))) {
      Map<String, Object> fields = OutputFiles.fields(line);
      String answer = fields.get("seenBefore") + "@" + fields.get("falsePositiveRate");
      assertThat(answersById.put((Long) fields.get("eventId"), answer)).as("exactly once: %s", line).isNull();
    }
    return answersById;
  }
}
