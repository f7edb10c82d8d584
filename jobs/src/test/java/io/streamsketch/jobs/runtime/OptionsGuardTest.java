package io.streamsketch.jobs.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.streamsketch.flink.io.ClickstreamSource;
import io.streamsketch.flink.io.GeneratorOptionChangedException;
import io.streamsketch.flink.io.GeneratorPartition;
import io.streamsketch.generator.GeneratorConfig;
import io.streamsketch.jobs.cli.UsageException;
import java.util.List;
import java.util.Optional;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.runtime.client.JobExecutionException;
import org.apache.flink.runtime.execution.SuppressRestartsException;
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
}
