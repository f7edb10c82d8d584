package io.streamsketch.flink.io;

import java.util.Properties;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes serialized records (from {@link KafkaRecordRouter}) to one topic, exactly once: each checkpoint's records
 * are written in a Kafka transaction that commits when the checkpoint completes, so a consumer reading with {@code
 * isolation.level=read_committed} sees every record once, a checkpoint at a time.
 *
 * <p>The {@code transactionalIdPrefix} must be unique per sink among everything writing to the cluster (two sinks
 * with one prefix fence each other's transactions) and stable across restarts and savepoint restores, so that a
 * restored job finds and aborts the transactions its previous run left open. The transaction timeout must not
 * exceed the broker's {@code transaction.max.timeout.ms} (15 min by default; the connector's own default is 1 h,
 * which the broker rejects when the job starts).
 */
public final class KafkaJsonSink {
  private KafkaJsonSink() {}

  public static KafkaSink<SerializedRecord> create(
      String bootstrapServers,
      String topic,
      String transactionalIdPrefix,
      long transactionTimeoutMillis,
      Properties producerConfig) {
    Properties config = new Properties();
    config.putAll(producerConfig);
    config.setProperty(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, Long.toString(transactionTimeoutMillis));
    return KafkaSink.<SerializedRecord>builder()
        .setBootstrapServers(bootstrapServers)
        .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
        .setTransactionalIdPrefix(transactionalIdPrefix)
        .setKafkaProducerConfig(config)
        .setRecordSerializer(new ToTopic(topic))
        .build();
  }

  /** Each record to the topic with its key and value as they are; Kafka's default partitioner hashes the key. */
  private static final class ToTopic implements KafkaRecordSerializationSchema<SerializedRecord> {
    private static final long serialVersionUID = 1L;
    private final String topic;

    ToTopic(String topic) {
      this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(SerializedRecord record, KafkaSinkContext context, Long timestamp) {
      return new ProducerRecord<>(topic, null, timestamp, record.key, record.value);
    }
  }
}
