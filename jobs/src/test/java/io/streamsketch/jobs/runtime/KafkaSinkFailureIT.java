package io.streamsketch.jobs.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * {@code --sink kafka} under failures (see {@link SinkFailureInjection}): every output topic, read with {@code
 * isolation.level=read_committed} once no transaction is open, holds the records of a run without failures, each
 * once, with the same key.
 */
class KafkaSinkFailureIT extends SinkFailureInjection {
  @Override
  List<String> sinkOptions(String run) {
    return List.of("--sink", "kafka", "--topic-prefix", run + ".", "--transactional-id-prefix", run);
  }

  @Override
  Map<String, List<String>> committedOutputs(String run) throws Exception {
    Map<String, List<String>> outputs = new TreeMap<>();
    try (Admin admin = KAFKA.admin()) {
      for (String topic : admin.listTopics().names().get()) {
        if (topic.startsWith(run + ".")) {
          List<String> records = KAFKA.readCommitted(topic).stream().map(KafkaSinkFailureIT::keyAndValue).toList();
          outputs.put(topic.substring(run.length() + 1), records);
        }
      }
    }
    return outputs;
  }

  private static String keyAndValue(ConsumerRecord<byte[], byte[]> record) {
    return new String(record.key(), StandardCharsets.UTF_8) + " " + new String(record.value(), StandardCharsets.UTF_8);
  }

  @Test
  void windowedCountsWritesEveryResultOnceThroughFailures() throws Exception {
    Map<String, List<String>> outputs = assertExactlyOnceUnderFailures("windowed-counts", 21);
    assertThat(outputs.get("tumbling-counts")).hasSizeGreaterThan(100);
    assertThat(outputs.get("late-tumbling")).isEmpty();
  }

  @Test
  void uniqueVisitorsWritesEveryResultOnceThroughFailures() throws Exception {
    Map<String, List<String>> outputs = assertExactlyOnceUnderFailures("unique-visitors", 22);
    assertThat(outputs.get("unique-visitors-global")).hasSizeGreaterThan(5);
  }
}
