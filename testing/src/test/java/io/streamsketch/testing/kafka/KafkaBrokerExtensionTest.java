package io.streamsketch.testing.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class KafkaBrokerExtensionTest {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @Test
    void createsTopicsWithTheirPartitionsAndNoOthers() throws Exception {
        String topic = KAFKA.newTopic("partitions", 3);

        try (var admin = KAFKA.admin()) {
            var description = admin.describeTopics(Set.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS);
            assertThat(description.get(topic).partitions()).hasSize(3);
        }
        KAFKA.send(List.of(record(topic, 2, "b"), record(topic, 0, "a")));
        assertThat(KAFKA.readCommittedValues(topic)).containsExactly("a", "b");
    }

    @Test
    void readCommittedSkipsAbortedTransactions() {
        String topic = KAFKA.newTopic("transactions", 1);
        Properties props = new Properties();
        props.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        props.setProperty(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "extension-test-" + topic);
        try (var producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(record(topic, 0, "aborted"));
            producer.abortTransaction();
            producer.beginTransaction();
            producer.send(record(topic, 0, "committed"));
            producer.commitTransaction();
        }

        assertThat(KAFKA.readCommittedValues(topic)).containsExactly("committed");
    }

    private static ProducerRecord<byte[], byte[]> record(String topic, int partition, String value) {
        return new ProducerRecord<>(topic, partition, null, value.getBytes(StandardCharsets.UTF_8));
    }
}
