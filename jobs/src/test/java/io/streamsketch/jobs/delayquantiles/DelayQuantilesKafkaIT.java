package io.streamsketch.jobs.delayquantiles;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsketch.flink.io.ClickEventParser;
import io.streamsketch.jobs.StreamSketchCli;
import io.streamsketch.model.ClickEvent;
import io.streamsketch.testing.kafka.KafkaBrokerExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code delay-quantiles --source kafka} on a topic of two partitions at parallelism 2: each source reader reads one
 * partition, so the job's splits are the partitions, and its windows match the exact delays per partition in offset
 * order, as {@link DelayQuantilesJobIT} checks them (same significance level).
 */
class DelayQuantilesKafkaIT {
  @RegisterExtension
  static final MiniClusterExtension CLUSTER =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

  @TempDir Path dir;

  @Test
  void eachPartitionIsASplitAndTheWindowsMatchTheExactDelaysPerPartition() throws Exception {
    String topic = KAFKA.newTopic("delays", 2);
    var config = DelayQuantilesJobIT.CONFIG;
    assertThat(
            cli("produce", "--bootstrap-servers", KAFKA.bootstrapServers(), "--topic", topic, "--events",
                Long.toString(config.events()), "--seed", Long.toString(config.seed()), "--users",
                Integer.toString(config.users()), "--pages", Integer.toString(config.pages()), "--max-delay",
                config.maxDelayMillis() + "ms", "--late-fraction", Double.toString(config.lateFraction())))
        .isZero();
    List<ConsumerRecord<byte[], byte[]>> records = KAFKA.readCommitted(topic);
    assertThat(records).hasSize((int) config.events());
    Map<Long, Integer> partitions = new HashMap<>();
    List<ClickEvent> inReadOrder =
        records.stream()
            .sorted(Comparator.comparingInt((ConsumerRecord<byte[], byte[]> r) -> r.partition()).thenComparingLong(ConsumerRecord::offset))
            .map(
                record -> {
                  ClickEvent event = ClickEventParser.parse(record.value());
                  partitions.put(event.eventId, record.partition());
                  return event;
                })
            .toList();
    assertThat(partitions.values()).containsOnly(0, 1);

    Path output = dir.resolve("from-kafka");
    assertThat(
            cli(DelayQuantilesJob.NAME, "--source", "kafka", "--bootstrap-servers", KAFKA.bootstrapServers(), "--topic",
                topic, "--bounded", "--output", output.toString(), "--parallelism", "2", "--window",
                DelayQuantilesJobIT.WINDOW + "ms", "--k", Integer.toString(DelayQuantilesJobIT.K)))
        .isZero();
    DelayQuantilesJobIT.assertMatchesExact(
        output, DelayQuantilesJobIT.exactDelays(inReadOrder, event -> Integer.toString(partitions.get(event.eventId))));
  }

  private static int cli(String... args) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int status = StreamSketchCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
    System.out.print(out.toString(StandardCharsets.UTF_8));
    return status;
  }
}
