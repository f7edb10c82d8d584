package io.streamsketch.flink.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamsketch.generator.ClickstreamGenerator;
import io.streamsketch.generator.GeneratorConfig;
import io.streamsketch.model.ClickEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.executiongraph.AccessExecutionVertex;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.ExceptionUtils;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Rescaling the generator source: a run at parallelism 2 stopped with a savepoint midway, then resumed from that
 * savepoint at parallelism 1 and at 3, emits exactly the events of an uninterrupted run: none lost, none twice.
 */
class ClickstreamSourceRestoreIT {
  @RegisterExtension
  static final MiniClusterExtension CLUSTER =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(3).build());

  private static final GeneratorConfig CONFIG =
      GeneratorConfig.defaults().withEvents(12_000).withSeed(5).withUsersAndPages(500, 100).withDisorder(5_000, 0.01, 0);
  /** Slow enough that the first run is still running when it has emitted a sixth of the events. */
  private static final double EVENTS_PER_SECOND = 2_000;

  /** What each run emitted, by run name: the test and the MiniCluster share the JVM. */
  static final Map<String, Queue<ClickEvent>> EMITTED = new ConcurrentHashMap<>();
  /** Counts down once per event the first run emits. */
  static final CountDownLatch FIRST_2000_EVENTS = new CountDownLatch(2_000);

  @TempDir static Path savepoints;
  private static String savepoint;
  private static List<ClickEvent> beforeSavepoint;

  /** Runs at parallelism 2 and stops it with a savepoint once it has emitted at least 2,000 events. */
  @BeforeAll
  static void stopARunAtParallelism2WithASavepoint() throws Exception {
    JobClient job = start("first", CONFIG, 2, EVENTS_PER_SECOND, null);
    assertThat(FIRST_2000_EVENTS.await(2, TimeUnit.MINUTES)).as("2,000 events within 2 minutes").isTrue();
    savepoint =
        job.stopWithSavepoint(false, savepoints.toUri().toString(), SavepointFormatType.CANONICAL)
            .get(2, TimeUnit.MINUTES);
    job.getJobExecutionResult().get(2, TimeUnit.MINUTES);
    beforeSavepoint = List.copyOf(EMITTED.get("first"));
    assertThat(beforeSavepoint.size()).as("stopped midway").isLessThan((int) CONFIG.events());
  }

  @Test
  void resumingAtParallelism1EmitsTheRestOfTheUninterruptedRun() throws Exception {
    assertResumedRunCompletesTheStream("at-1", 1);
  }

  @Test
  void resumingAtParallelism3EmitsTheRestOfTheUninterruptedRun() throws Exception {
    assertResumedRunCompletesTheStream("at-3", 3);
  }

  @Test
  void resumingWithAnotherEventCountIsRefusedAtOnceNamingTheOption(@InjectMiniCluster MiniCluster cluster)
      throws Exception {
    JobClient job = start("other-events", CONFIG.withEvents(24_000), 2, 0, savepoint);
    JobID id = job.getJobID();
    assertThatThrownBy(() -> job.getJobExecutionResult().get(2, TimeUnit.MINUTES))
        .satisfies(
            e ->
                assertThat(ExceptionUtils.findThrowableWithMessage(e, "but this run has --events 24000"))
                    .as("the cause names the option")
                    .isPresent());
    // The restart strategy allows 3 attempts; a restore that cannot heal takes none of them.
    for (AccessExecutionVertex vertex : cluster.getArchivedExecutionGraph(id).get().getAllExecutionVertices()) {
      assertThat(vertex.getCurrentExecutionAttempt().getAttemptNumber()).as("restarts").isZero();
    }
    assertThat(EMITTED.get("other-events")).isEmpty();
  }

  private static void assertResumedRunCompletesTheStream(String run, int parallelism) throws Exception {
    start(run, CONFIG, parallelism, 0, savepoint).getJobExecutionResult().get(2, TimeUnit.MINUTES);
    List<ClickEvent> union = new ArrayList<>(beforeSavepoint);
    union.addAll(EMITTED.get(run));
    List<ClickEvent> uninterrupted = new ArrayList<>();
    new ClickstreamGenerator(CONFIG).forEachRemaining(uninterrupted::add);
    // The same elements with the same multiplicities: nothing lost, nothing twice.
    assertThat(union).containsExactlyInAnyOrderElementsOf(uninterrupted);
  }

  private static JobClient start(String run, GeneratorConfig config, int parallelism, double rate, String savepoint)
      throws Exception {
    EMITTED.put(run, new ConcurrentLinkedQueue<>());
    Configuration conf = new Configuration();
    conf.set(PipelineOptions.GENERIC_TYPES, false);
    conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
    conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
    conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(100));
    if (savepoint != null) {
      conf.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
    }
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    env.setParallelism(parallelism);
    env.fromSource(ClickstreamSource.create(config, rate), WatermarkStrategy.noWatermarks(), "generator")
        .uid("generator")
        .sinkTo(new CollectInto(run))
        .uid("collect");
    return env.executeAsync(run);
  }

  /** Adds every event to {@code EMITTED.get(run)}. */
  static final class CollectInto implements Sink<ClickEvent> {
    private final String run;

    CollectInto(String run) {
      this.run = run;
    }

    @Override
    public SinkWriter<ClickEvent> createWriter(WriterInitContext context) {
      Queue<ClickEvent> emitted = EMITTED.get(run);
      return new SinkWriter<>() {
        @Override
        public void write(ClickEvent event, Context context) {
          emitted.add(event);
          if (run.equals("first")) {
            FIRST_2000_EVENTS.countDown();
          }
        }

        @Override
        public void flush(boolean endOfInput) {}

        @Override
        public void close() {}
      };
    }
  }
}
