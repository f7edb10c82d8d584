package io.streamsketch.jobs.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.streamsketch.flink.io.ClickstreamSource;
import io.streamsketch.flink.io.GeneratorOptionChangedException;
import io.streamsketch.flink.io.GeneratorPartition;
import io.streamsketch.generator.GeneratorConfig;
import io.streamsketch.jobs.cli.UsageException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import io.streamsketch.model.ClickEvent;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.client.JobExecutionException;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.apache.flink.streaming.api.operators.StreamMap;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.util.SerializedThrowable;
import org.junit.jupiter.api.Test;

class OptionsGuardTest {
  private static final String GENERATOR_REFUSAL =
      "the restored state was generated with --events 3000, but this run has --events 2000: the generator's options "
          + "cannot change across a restore (use --events 3000, or start without the savepoint)";

  /** What the generator source throws when it restores state written with other options, as a job failure wraps it. */
  private static Throwable generatorRestoreFailure() throws Exception {
    SimpleVersionedSerializer<List<GeneratorPartition>> written =
        ClickstreamSource.create(GeneratorConfig.defaults().withEvents(3_000), 0).getEnumeratorCheckpointSerializer();
    byte[] state = written.serialize(List.of());
    SimpleVersionedSerializer<List<GeneratorPartition>> restoring =
        ClickstreamSource.create(GeneratorConfig.defaults().withEvents(2_000), 0).getEnumeratorCheckpointSerializer();
    Throwable refused = catchThrowable(() -> restoring.deserialize(written.getVersion(), state));
    assertThat(refused).isInstanceOf(GeneratorOptionChangedException.class).hasMessage(GENERATOR_REFUSAL);
    return refused;
  }

  @Test
  void aGeneratorOptionChangedOnRestoreIsOneUsageLine() throws Exception {
    Throwable failure = new JobExecutionException(null, "Job execution failed.", generatorRestoreFailure());

    Optional<UsageException> usage = OptionsGuard.asUsageError(failure);

    assertThat(usage).get().extracting(Throwable::getMessage).isEqualTo(GENERATOR_REFUSAL);
  }

  @Test
  void aGeneratorOptionChangedOnAClusterArrivesSerializedAndIsStillOneUsageLine() throws Exception {
    Throwable failure =
        new JobExecutionException(null, "Job execution failed.", new SerializedThrowable(generatorRestoreFailure()));

    assertThat(OptionsGuard.asUsageError(failure)).get().extracting(Throwable::getMessage).isEqualTo(GENERATOR_REFUSAL);
  }

  @Test
  void aGuardedOptionChangedOnRestoreIsOneUsageLine() {
    Throwable failure =
        new JobExecutionException(
            null, "Job execution failed.",
            new SuppressRestartsException(new OptionsGuard.OptionChangedException("window", "60000ms", "120000ms")));

    assertThat(OptionsGuard.asUsageError(failure)).get().extracting(Throwable::getMessage)
        .isEqualTo("--window is 120000ms but the state being restored was written with 60000ms; restore with the same "
            + "value, or start without the savepoint");
  }

  @Test
  void anyOtherFailureIsNotAUsageError() {
    assertThat(OptionsGuard.asUsageError(new JobExecutionException(null, "boom", new IllegalStateException("x"))))
        .isEmpty();
  }

  private static final Map<String, String> KAFKA_SINK =
      Map.of("sink", "kafka", "topic-prefix", "clicks.", "transactional-id-prefix", "streamsketch-ctr");

  private static OperatorSubtaskState snapshotOf(Map<String, String> options) throws Exception {
    try (var harness = new OneInputStreamOperatorTestHarness<ClickEvent, ClickEvent>(
        new StreamMap<>(new OptionsGuard(options)))) {
      harness.open();
      return harness.snapshot(1, 1);
    }
  }

  private static Throwable restoreInto(OperatorSubtaskState state, Map<String, String> options) {
    return catchThrowable(() -> {
      try (var harness = new OneInputStreamOperatorTestHarness<ClickEvent, ClickEvent>(
          new StreamMap<>(new OptionsGuard(options)))) {
        harness.initializeState(state);
        harness.open();
      }
    });
  }

  @Test
  void aRestoreWithAnotherKafkaTransactionalIdPrefixIsRefusedNamingIt() throws Exception {
    OperatorSubtaskState state = snapshotOf(KAFKA_SINK);
    Map<String, String> otherPrefix = new TreeMap<>(KAFKA_SINK);
    otherPrefix.put("transactional-id-prefix", "streamsketch-ctr-2");

    Throwable refused = restoreInto(state, otherPrefix);

    assertThat(OptionsGuard.asUsageError(refused)).get().extracting(Throwable::getMessage)
        .isEqualTo("--transactional-id-prefix is streamsketch-ctr-2 but the state being restored was written with "
            + "streamsketch-ctr; restore with the same value, or start without the savepoint");
  }

  @Test
  void aRestoreIntoAnotherSinkIsRefused() throws Exception {
    OperatorSubtaskState state = snapshotOf(KAFKA_SINK);

    Throwable refused = restoreInto(state, Map.of("sink", "postgres", "jdbc-url", "jdbc:postgresql://db/x"));

    assertThat(OptionsGuard.asUsageError(refused)).get().extracting(Throwable::getMessage)
        .isEqualTo("--sink is postgres but the state being restored was written with kafka; restore with the same "
            + "value, or start without the savepoint");
  }

  @Test
  void aRestoreWithTheSameSinkOptionsAndStateWithoutThemAreAccepted() throws Exception {
    assertThat(restoreInto(snapshotOf(KAFKA_SINK), KAFKA_SINK)).isNull();
    // State written before the sink's options were stored (release 0.1.0) has none of them to compare.
    assertThat(restoreInto(snapshotOf(Map.of("output", "/tmp/out")), KAFKA_SINK)).isNull();
  }
}
