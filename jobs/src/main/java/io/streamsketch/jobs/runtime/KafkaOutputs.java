package io.streamsketch.jobs.runtime;

import io.streamsketch.flink.io.KafkaJsonSink;
import io.streamsketch.flink.io.KafkaRecordRouter;
import io.streamsketch.flink.io.SerializedRecord;
import io.streamsketch.flink.io.SideOutputs;
import io.streamsketch.jobs.cli.UsageException;
import io.streamsketch.model.DeadLetter;
import io.streamsketch.model.OutputRecord;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * {@code --sink kafka}: each output to the topic {@code <topic-prefix><output>}, exactly once (one Kafka
 * transaction per checkpoint and subtask), keyed by the record's key, the value the same JSON as the files.
 *
 * <p>Before the job starts, an admin client checks that the broker answers (a clear error within seconds, not a
 * job that retries forever), that the transaction timeout is within the broker's {@code transaction.max.timeout.ms},
 * creates missing topics (broker defaults for partitions and replication) and reads each topic's
 * {@code max.message.bytes}: records larger than the topic or the producer takes become dead letters.
 */
final class KafkaOutputs implements OutputSink {
  /** How long the checks before the start wait for the broker. */
  static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(5);
  /** The producer's default {@code max.request.size}, which the sink does not change. */
  static final int MAX_REQUEST_SIZE = 1_048_576;
  /** A dead letter of a too-large record (its reason and 1,000 characters of it) must fit any topic. */
  static final int MIN_RECORD_BYTES = 8_192;

  private final String job;
  private final String bootstrapServers;
  private final String topicPrefix;
  private final String transactionalIdPrefix;
  private final Duration transactionTimeout;
  private final Map<String, Integer> maxRecordBytes = new HashMap<>();
  private Admin admin;

  /**
   * @param transactionalIdPrefix the stable prefix of this job's transactional ids; each output adds its name
   */
  KafkaOutputs(
      String job, String bootstrapServers, String topicPrefix, String transactionalIdPrefix, Duration transactionTimeout) {
    this.job = job;
    this.bootstrapServers = bootstrapServers;
    this.topicPrefix = topicPrefix;
    this.transactionalIdPrefix = transactionalIdPrefix;
    this.transactionTimeout = transactionTimeout;
    Properties config = new Properties();
    config.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.setProperty(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(ADMIN_TIMEOUT.toMillis()));
    config.setProperty(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(ADMIN_TIMEOUT.toMillis()));
    try {
      admin = Admin.create(config);
    } catch (RuntimeException e) {
      throw new UsageException(job + ": --bootstrap-servers " + bootstrapServers + ": " + e.getMessage());
    }
    try {
      checkTransactionTimeout();
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  String topic(String output) {
    return topicPrefix + output;
  }

  /** One prefix per job and output: two sinks sharing one would fence each other's transactions. */
  String transactionalIdPrefix(String output) {
    return transactionalIdPrefix + "-" + output;
  }

  private void checkTransactionTimeout() {
    String brokerId = call("reach the broker", () -> admin.describeCluster().nodes().get(
        ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).iterator().next().idString());
    ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, brokerId);
    Config config =
        call("read the broker's configuration", () -> admin.describeConfigs(List.of(broker)).all().get().get(broker));
    long max = Long.parseLong(config.get("transaction.max.timeout.ms").value());
    if (transactionTimeout.toMillis() > max) {
      throw new UsageException(
          job + ": --transaction-timeout " + transactionTimeout.toMillis() + " ms is above the broker's"
              + " transaction.max.timeout.ms of " + max + " ms: give at most that");
    }
  }

  @Override
  public void prepare(Collection<String> outputs) {
    Map<String, String> topics = new HashMap<>();
    for (String output : outputs) {
      if (!topic(output).matches("[a-zA-Z0-9._-]{1,249}")) {
        throw new UsageException(
            job + ": --topic-prefix '" + topicPrefix + "': topic " + topic(output) + " is not a valid Kafka topic name"
                + " (letters, digits, '.', '_', '-'; at most 249)");
      }
      topics.put(topic(output), output);
    }
    Set<String> existing = call("list the topics", () -> admin.listTopics().names().get());
    List<NewTopic> missing =
        topics.keySet().stream().filter(t -> !existing.contains(t)).map(t -> new NewTopic(t, Optional.empty(), Optional.empty())).toList();
    if (!missing.isEmpty()) {
      try {
        admin.createTopics(missing).all().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw failure("create the topics " + missing.stream().map(NewTopic::name).toList(), e);
        }
      } catch (InterruptedException | TimeoutException e) {
        throw failure("create the topics " + missing.stream().map(NewTopic::name).toList(), e);
      }
    }
    List<ConfigResource> resources =
        topics.keySet().stream().map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList();
    Map<ConfigResource, Config> configs = call("read the topics' configuration", () -> describeWhenKnown(resources));
    configs.forEach(
        (resource, config) -> {
          int limit =
              Math.min(MAX_REQUEST_SIZE, Integer.parseInt(config.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG).value()));
          if (limit < MIN_RECORD_BYTES) {
            throw new UsageException(
                job + ": topic " + resource.name() + " takes records of at most " + limit + " bytes (max.message.bytes);"
                    + " the sink needs at least " + MIN_RECORD_BYTES);
          }
          maxRecordBytes.put(topics.get(resource.name()), limit);
        });
  }

  @Override
  public <T extends OutputRecord> DataStream<DeadLetter> write(DataStream<T> records, String output) {
    String topic = topic(output);
    int limit = maxRecordBytes.get(output);
    SingleOutputStreamOperator<SerializedRecord> routed =
        records.process(new KafkaRecordRouter<T>(topic, limit)).uid("kafka-route-" + output).name("kafka-route-" + output);
    DataStream<DeadLetter> tooLarge = routed.getSideOutput(SideOutputs.DEAD_LETTERS);
    DataStream<SerializedRecord> toSink = routed;
    if (output.equals(OutputFolders.DEAD_LETTERS)) {
      // A dead letter too large itself (a huge malformed input line) goes to the same topic, shortened.
      toSink =
          routed.union(
              tooLarge
                  .process(new KafkaRecordRouter<DeadLetter>(topic, limit))
                  .uid("kafka-route-shortened-" + output)
                  .name("kafka-route-shortened-" + output));
      tooLarge = null;
    }
    Properties producer = new Properties();
    producer.setProperty(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(MAX_REQUEST_SIZE));
    toSink
        .sinkTo(
            KafkaJsonSink.create(
                bootstrapServers, topic, transactionalIdPrefix(output), transactionTimeout.toMillis(), producer))
        .uid("kafka-" + output)
        .name("kafka-" + output);
    return tooLarge;
  }

  @Override
  public Map<String, String> restoreBoundOptions() {
    return Map.of("sink", "kafka", "topic-prefix", topicPrefix, "transactional-id-prefix", transactionalIdPrefix);
  }

  @Override
  public String location() {
    return "Kafka topics " + topicPrefix + "* at " + bootstrapServers;
  }

  @Override
  public void close() {
    if (admin != null) {
      admin.close(Duration.ZERO);
      admin = null;
    }
  }

  private interface AdminCall<V> {
    V get() throws Exception;
  }

  /**
   * The topics' configuration. A topic just created may be unknown to the broker answering for a moment (seen on a
   * loaded machine), so UnknownTopicOrPartition is retried until the admin timeout, then reported.
   */
  private Map<ConfigResource, Config> describeWhenKnown(List<ConfigResource> resources) throws Exception {
    long deadline = System.nanoTime() + ADMIN_TIMEOUT.toNanos();
    while (true) {
      try {
        return admin.describeConfigs(resources).all().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(100);
      }
    }
  }

  private <V> V call(String what, AdminCall<V> call) {
    try {
      return call.get();
    } catch (Exception e) {
      throw failure(what, e);
    }
  }

  private UsageException failure(String what, Exception e) {
    if (e instanceof InterruptedException) {
      Thread.currentThread().interrupt();
    }
    Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
    String reason = cause instanceof TimeoutException || cause instanceof org.apache.kafka.common.errors.TimeoutException
        ? "no answer within " + ADMIN_TIMEOUT.toSeconds() + " s (is a broker running there?)"
        : cause.getClass().getSimpleName() + ": " + cause.getMessage();
    return new UsageException(job + ": --bootstrap-servers " + bootstrapServers + ": could not " + what + ": " + reason);
  }
}
