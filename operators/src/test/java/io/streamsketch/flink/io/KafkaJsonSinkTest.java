package io.streamsketch.flink.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class KafkaJsonSinkTest {
  @Test
  void aRecordIsWrittenAtTheTimeOfWritingNotAtItsEventTimeSoRetentionCannotDeleteItAtOnce() {
    byte[] key = "p1@1704067200000".getBytes(StandardCharsets.UTF_8);
    byte[] value = "{\"views\":1}".getBytes(StandardCharsets.UTF_8);
    long eventTimeFromLastYear = 1704067200000L;

    ProducerRecord<byte[], byte[]> record =
        KafkaJsonSink.toTopic("tumbling-counts")
            .serialize(new SerializedRecord(key, value), null, eventTimeFromLastYear);

    assertThat(record.topic()).isEqualTo("tumbling-counts");
    assertThat(record.key()).isEqualTo(key);
    assertThat(record.value()).isEqualTo(value);
    assertThat(record.timestamp()).as("left to the producer: the time of writing").isNull();
  }
}
