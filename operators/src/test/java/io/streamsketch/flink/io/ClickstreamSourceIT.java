package io.streamsketch.flink.io;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsketch.generator.ClickstreamGenerator;
import io.streamsketch.generator.GeneratorConfig;
import io.streamsketch.model.ClickEvent;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ClickstreamSourceIT {
  @RegisterExtension
  static final MiniClusterExtension CLUSTER =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(3).build());

  private static final GeneratorConfig CONFIG =
      GeneratorConfig.defaults().withEvents(10_007).withUsersAndPages(500, 100).withDisorder(5_000, 0.01, 0);

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3})
  void emitsTheSequentialGeneratorsEventsAtAnyParallelism(int parallelism) throws Exception {
    Configuration conf = new Configuration();
    conf.set(PipelineOptions.GENERIC_TYPES, false);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    env.setParallelism(parallelism);

    List<ClickEvent> emitted = new ArrayList<>();
    env.fromSource(ClickstreamSource.create(CONFIG, 0), WatermarkStrategy.noWatermarks(), "generator")
        .executeAndCollect()
        .forEachRemaining(emitted::add);

    List<ClickEvent> expected = new ArrayList<>();
    new ClickstreamGenerator(CONFIG).forEachRemaining(expected::add);
    assertThat(emitted).containsExactlyInAnyOrderElementsOf(expected);
  }
}
