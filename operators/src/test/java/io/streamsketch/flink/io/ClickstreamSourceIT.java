package io.streamsketch.flink.io;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsketch.generator.ClickstreamGenerator;
import io.streamsketch.generator.GeneratorConfig;
import io.streamsketch.model.ClickEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ClickstreamSourceIT {
  @RegisterExtension
  static final MiniClusterExtension CLUSTER =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(3).build());

  private static final GeneratorConfig CONFIG =
      GeneratorConfig.defaults().withEvents(10_007).withUsersAndPages(500, 100).withDisorder(5_000, 0.01, 0);

  private static StreamExecutionEnvironment environment(int parallelism) {
    Configuration conf = new Configuration();
    conf.set(PipelineOptions.GENERIC_TYPES, false);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    env.setParallelism(parallelism);
    return env;
  }

  private static List<ClickEvent> generated(GeneratorConfig config) {
    List<ClickEvent> expected = new ArrayList<>();
    new ClickstreamGenerator(config).forEachRemaining(expected::add);
    return expected;
  }

  /** Partitions 16 (the default), 2 (the third reader has none) and 1, at parallelism 1 to 3. */
  @ParameterizedTest(name = "parallelism {0}, {1} partitions")
  @CsvSource({"1, 16", "2, 16", "3, 16", "3, 2", "2, 1"})
  void emitsTheSequentialGeneratorsEventsAtAnyParallelism(int parallelism, int partitions) throws Exception {
    List<ClickEvent> emitted = new ArrayList<>();
    environment(parallelism)
        .fromSource(ClickstreamSource.create(CONFIG, partitions, 0), WatermarkStrategy.noWatermarks(), "generator")
        .executeAndCollect()
        .forEachRemaining(emitted::add);

    assertThat(emitted).containsExactlyInAnyOrderElementsOf(generated(CONFIG));
  }

  /** Fewer events than partitions leaves some partitions empty; no events at all is an empty run. */
  @ParameterizedTest(name = "{0} events")
  @ValueSource(longs = {0, 1, 5})
  void fewerEventsThanPartitionsOrNoneEndTheRun(long events) throws Exception {
    GeneratorConfig config = CONFIG.withEvents(events);
    List<ClickEvent> emitted = new ArrayList<>();
    environment(2)
        .fromSource(ClickstreamSource.create(config, 0), WatermarkStrategy.noWatermarks(), "generator")
        .executeAndCollect()
        .forEachRemaining(emitted::add);

    assertThat(emitted).containsExactlyInAnyOrderElementsOf(generated(config)).hasSize((int) events);
  }

  /**
   * With the watermarks in the source, each partition has its own and a reader's is their minimum; the partitions
   * advance together, so the events behind the watermark where they leave the source are the same at any
   * parallelism.
   */
  @Test
  void theEventsBehindTheSourceWatermarkAreTheSameAtAnyParallelism() throws Exception {
    Set<Long> atParallelism1 = lateAtTheSource(1);
    assertThat(atParallelism1).hasSizeGreaterThan(50);
    assertThat(lateAtTheSource(2)).isEqualTo(atParallelism1);
    assertThat(lateAtTheSource(3)).isEqualTo(atParallelism1);
  }

  private static Set<Long> lateAtTheSource(int parallelism) throws Exception {
    Set<Long> late = new TreeSet<>();
    environment(parallelism)
        .fromSource(
            ClickstreamSource.create(CONFIG, 0),
            ClickEventWatermarks.boundedOutOfOrderness(Duration.ofSeconds(5), Duration.ofMinutes(5)),
            "generator")
        .process(
            new ProcessFunction<ClickEvent, Long>() {
              @Override
              public void processElement(ClickEvent event, Context context, Collector<Long> out) {
                if (context.timestamp() <= context.timerService().currentWatermark()) {
                  out.collect(event.eventId);
                }
              }
            },
            Types.LONG)
        .executeAndCollect()
        .forEachRemaining(late::add);
    return late;
  }
}
