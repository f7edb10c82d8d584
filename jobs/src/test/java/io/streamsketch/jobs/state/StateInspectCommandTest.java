package io.streamsketch.jobs.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsketch.flink.io.ClickstreamSource;
import io.streamsketch.flink.io.GeneratorPartition;
import io.streamsketch.generator.GeneratorConfig;
import org.apache.flink.connector.kafka.source.split.KafkaPartitionSplit;
import org.apache.flink.connector.kafka.source.split.KafkaPartitionSplitSerializer;
import org.apache.flink.core.io.SimpleVersionedSerialization;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** The source positions of {@code state inspect}, from the bytes the source operators store in a savepoint. */
class StateInspectCommandTest {
  @Test
  void aGeneratorSplitIsDescribedWithTheOptionsItWasWrittenWith() throws Exception {
    // Written by a run with --events 3000, not the defaults: inspection must not check the options.
    byte[] stored =
        SimpleVersionedSerialization.writeVersionAndSerialize(
            ClickstreamSource.create(GeneratorConfig.defaults().withEvents(3_000), 0).getSplitSerializer(),
            new GeneratorPartition(3, 19));

    assertThat(new StateInspectCommand.DescribeSplit().map(stored))
        .isEqualTo(
            "{\"source\":\"clickstream-generator\",\"partition\":3,\"partitions\":16,\"nextPosition\":19,"
                + "\"events\":3000,\"remaining\":187}");
  }

  @Test
  void aFinishedGeneratorSplitHasNothingRemaining() throws Exception {
    byte[] stored =
        SimpleVersionedSerialization.writeVersionAndSerialize(
            ClickstreamSource.create(GeneratorConfig.defaults().withEvents(100), 0).getSplitSerializer(),
            new GeneratorPartition(5, 101));

    assertThat(new StateInspectCommand.DescribeSplit().map(stored)).contains("\"remaining\":0}");
  }

  @Test
  void aKafkaSplitIsItsTopicPartitionAndTheOffsetItContinuesFrom() throws Exception {
    byte[] stored =
        SimpleVersionedSerialization.writeVersionAndSerialize(
            new KafkaPartitionSplitSerializer(), new KafkaPartitionSplit(new TopicPartition("clicks", 2), 1_234));

    assertThat(new StateInspectCommand.DescribeKafkaSplit().map(stored))
        .isEqualTo("{\"source\":\"kafka-events\",\"topic\":\"clicks\",\"partition\":2,\"nextOffset\":1234}");
  }
}
