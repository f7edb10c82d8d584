package io.streamsketch.jobs.runtime;

import io.streamsketch.flink.io.InputRecord;
import io.streamsketch.jobs.cli.ParsedArgs;
import io.streamsketch.jobs.cli.UsageException;
import io.streamsketch.model.DeadLetter;
import java.util.Locale;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * A Kafka topic as a job's input ({@code --source kafka}). Each record's value is one JSON event, parsed in the
 * source; a record that is not a valid event becomes a dead letter. The topic is checked before the job starts, so a
 * missing topic or a broker that does not answer is one line and exit 2 within seconds.
 *
 * <p>Offsets: the source's checkpointed offsets decide where a restarted or restored job resumes; the offsets it
 * commits to the consumer group on each completed checkpoint are for monitoring and for {@code --starting-offsets
 * committed}. Records of aborted transactions are never read ({@code isolation.level=read_committed}).
 */
final class KafkaInput {
  private final String bootstrapServers;
  private final String topic;
  private final String groupId;
  private final String startingOffsets;
  private final boolean bounded;
  private final int partitions;

  private KafkaInput(
      String bootstrapServers, String topic, String groupId, String startingOffsets, boolean bounded, int partitions) {
    this.bootstrapServers = bootstrapServers;
    this.topic = topic;
    this.groupId = groupId;
    this.startingOffsets = startingOffsets;
    this.bounded = bounded;
    this.partitions = partitions;
  }

  /** Validates the Kafka options of {@code job} and checks that the topic exists on a broker that answers. */
  static KafkaInput from(String job, ParsedArgs args) {
    String bootstrapServers = args.string("bootstrap-servers");
    String topic = args.string("topic");
    if (bootstrapServers == null || topic == null) {
      throw new UsageException(job + ": --source kafka needs --bootstrap-servers and --topic");
    }
    String groupId = args.has("group-id") ? args.string("group-id") : "streamsketch-" + job;
    String startingOffsets =
        args.has("starting-offsets") ? args.string("starting-offsets").toLowerCase(Locale.ROOT) : "earliest";
    offsetsInitializer(job, startingOffsets); // Validates the value now.
    int partitions;
    try (KafkaTopics topics = KafkaTopics.connect(job, bootstrapServers)) {
      partitions = topics.existingPartitions(topic);
    }
    return new KafkaInput(bootstrapServers, topic, groupId, startingOffsets, args.flag("bounded"), partitions);
  }

  int partitions() {
    return partitions;
  }

  String topic() {
    return topic;
  }

  /** This input, starting a new run at the first records whose Kafka timestamp is at or after {@code timestamp}. */
  KafkaInput startingAt(long timestamp) {
    return new KafkaInput(bootstrapServers, topic, groupId, Long.toString(timestamp), bounded, partitions);
  }

  KafkaSource<InputRecord> source() {
    return source(new ParseRecords());
  }

  /** The source, with {@code deserializer} for the records' values. */
  KafkaSource<InputRecord> source(KafkaRecordDeserializationSchema<InputRecord> deserializer) {
    KafkaSourceBuilder<InputRecord> builder =
        KafkaSource.<InputRecord>builder()
            .setBootstrapServers(bootstrapServers)
            .setTopics(topic)
            .setGroupId(groupId)
            .setStartingOffsets(offsetsInitializer("", startingOffsets))
            .setDeserializer(deserializer)
            .setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")
            .setProperty("commit.offsets.on.checkpoint", "true");
    if (bounded) {
      // The end offsets are looked up once, when the job starts, and kept in the checkpointed splits.
      builder.setBounded(OffsetsInitializer.latest());
    }
    return builder.build();
  }

  private static OffsetsInitializer offsetsInitializer(String job, String startingOffsets) {
    switch (startingOffsets) {
      case "earliest":
        return OffsetsInitializer.earliest();
      case "latest":
        return OffsetsInitializer.latest();
      case "committed":
        return OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
      default:
        try {
          long timestamp = Long.parseLong(startingOffsets);
          if (timestamp >= 0) {
            return OffsetsInitializer.timestamp(timestamp);
          }
        } catch (NumberFormatException e) {
          // Reported below.
        }
        throw new UsageException(
            job
                + ": --starting-offsets must be earliest, latest, committed or a time in epoch milliseconds, not '"
                + startingOffsets
                + "'");
    }
  }

  /** A record's value is one event as UTF-8 JSON; anything else becomes a dead letter, its bytes shown as text. */
  static final class ParseRecords implements KafkaRecordDeserializationSchema<InputRecord> {
    private static final long serialVersionUID = 1L;

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<InputRecord> out) {
      if (record.value() == null) {
        out.collect(InputRecord.deadLetter(new DeadLetter("", "record without a value")));
      } else {
        out.collect(InputRecord.parse(record.value()));
      }
    }

    @Override
    public TypeInformation<InputRecord> getProducedType() {
      return InputRecord.TYPE;
    }
  }
}
