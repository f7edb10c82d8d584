package io.streamsketch.testing.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real single-node KRaft broker for tests, running inside the test JVM. Every test class that registers this
 * extension shares one broker: it starts with the first such class (about 3 s) and stops when the JVM exits. Topics
 * are not created automatically ({@code auto.create.topics.enable=false}); tests create theirs with
 * {@link #createTopic} or {@link #newTopic}, whose names are unique in the JVM.
 *
 * <pre>{@code
 * @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
 * String topic = KAFKA.newTopic("clicks", 3);
 * List<ConsumerRecord<byte[], byte[]>> committed = KAFKA.readCommitted(topic);
 * }</pre>
 */
public final class KafkaBrokerExtension implements BeforeAllCallback {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final AtomicInteger TOPIC_COUNTER = new AtomicInteger();

    @Override
    public void beforeAll(ExtensionContext context) {
        SharedKafkaBroker.get();
    }

    /** host:port of the broker's PLAINTEXT listener. */
    public String bootstrapServers() {
        return SharedKafkaBroker.get().bootstrapServers();
    }

    /** An admin client for this broker with short timeouts; the caller closes it. */
    public Admin admin() {
        Properties props = new Properties();
        props.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.setProperty(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        props.setProperty(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
        return Admin.create(props);
    }

    /** A byte-array producer (acks=all, idempotent); the caller closes it. */
    public KafkaProducer<byte[], byte[]> producer() {
        Properties props = new Properties();
        props.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.setProperty(ProducerConfig.ACKS_CONFIG, "all");
        props.setProperty(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        // One request in flight, as the produce command: several can end in endless out-of-order-sequence retries.
        props.setProperty(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Creates {@code topic} with {@code partitions} partitions and waits until each has a leader. */
    public void createTopic(String topic, int partitions) {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all()
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (!allPartitionsLed(admin, topic, partitions)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("topic " + topic + " has no leader for every partition after "
                            + TIMEOUT);
                }
                Thread.onSpinWait();
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not create topic " + topic, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topic " + topic, e);
        }
    }

    /** Creates a topic named {@code prefix-<n>-<random>}, unique in this JVM and broker, and returns its name. */
    public String newTopic(String prefix, int partitions) {
        String topic = prefix + "-" + TOPIC_COUNTER.incrementAndGet() + "-"
                + UUID.randomUUID().toString().substring(0, 8);
        createTopic(topic, partitions);
        return topic;
    }

    /** Sends the records and waits until the broker acknowledged every one. */
    public void send(List<ProducerRecord<byte[], byte[]>> records) {
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            List<Future<?>> acks = new ArrayList<>(records.size());
            for (ProducerRecord<byte[], byte[]> record : records) {
                acks.add(producer.send(record));
            }
            for (Future<?> ack : acks) {
                ack.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not send to Kafka", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sending to Kafka", e);
        }
    }

    /**
     * Every committed record of {@code topic}, read with {@code isolation.level=read_committed} (records of aborted
     * transactions are not returned), in offset order per partition, partitions in order. It first waits until no
     * partition has an open transaction (a commit's markers reach the partitions shortly after
     * {@code commitTransaction} returns) and fails if one stays open for 30 s: a test that reads a sink's output must
     * not race its last commit, and a transaction left open is a defect.
     */
    public List<ConsumerRecord<byte[], byte[]>> readCommitted(String topic) {
        Properties props = new Properties();
        props.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.setProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.setProperty(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, TIMEOUT).stream()
                    .map(info -> new TopicPartition(topic, info.partition()))
                    .sorted((a, b) -> Integer.compare(a.partition(), b.partition()))
                    .toList();
            if (partitions.isEmpty()) {
                throw new IllegalStateException("topic " + topic + " does not exist");
            }
            Map<TopicPartition, Long> end = awaitNoOpenTransaction(topic, partitions);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> byPartition = new HashMap<>();
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (!reachedEnd(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " up to " + end + " within "
                            + TIMEOUT);
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    TopicPartition partition = new TopicPartition(record.topic(), record.partition());
                    if (record.offset() < end.get(partition)) {
                        byPartition.computeIfAbsent(partition, p -> new ArrayList<>()).add(record);
                    }
                }
            }
            List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            for (TopicPartition partition : partitions) {
                records.addAll(byPartition.getOrDefault(partition, List.of()));
            }
            return records;
        }
    }

    /**
     * Waits until every partition's last stable offset equals its end offset, that is no transaction is open on it,
     * and returns those offsets.
     */
    private Map<TopicPartition, Long> awaitNoOpenTransaction(String topic, List<TopicPartition> partitions) {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        partitions.forEach(partition -> latest.put(partition, OffsetSpec.latest()));
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        try (Admin admin = admin()) {
            while (true) {
                Map<TopicPartition, Long> stable = endOffsets(admin, latest, IsolationLevel.READ_COMMITTED);
                Map<TopicPartition, Long> end = endOffsets(admin, latest, IsolationLevel.READ_UNCOMMITTED);
                if (stable.equals(end)) {
                    return stable;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("topic " + topic + " still has an open transaction after "
                            + TIMEOUT + ": last stable offsets " + stable + ", end offsets " + end);
                }
                Thread.onSpinWait();
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not list the offsets of " + topic, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while listing the offsets of " + topic, e);
        }
    }

    private static Map<TopicPartition, Long> endOffsets(Admin admin, Map<TopicPartition, OffsetSpec> latest,
            IsolationLevel isolation) throws InterruptedException, ExecutionException, TimeoutException {
        Map<TopicPartition, Long> offsets = new HashMap<>();
        admin.listOffsets(latest, new ListOffsetsOptions(isolation)).all()
                .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .forEach((partition, info) -> offsets.put(partition, info.offset()));
        return offsets;
    }

    /** The values of {@link #readCommitted}, decoded as UTF-8. */
    public List<String> readCommittedValues(String topic) {
        return readCommitted(topic).stream()
                .map(record -> new String(record.value(), StandardCharsets.UTF_8))
                .toList();
    }

    private static boolean reachedEnd(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> partition : end.entrySet()) {
            if (consumer.position(partition.getKey()) < partition.getValue()) {
                return false;
            }
        }
        return true;
    }

    private static boolean allPartitionsLed(Admin admin, String topic, int partitions)
            throws InterruptedException, ExecutionException, TimeoutException {
        TopicDescription description;
        try {
            description = admin.describeTopics(Set.of(topic)).allTopicNames()
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(topic);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                // The controller created the topic, but the broker's metadata does not have it yet (seen under load).
                return false;
            }
            throw e;
        }
        List<TopicPartitionInfo> infos = description.partitions();
        return infos.size() == partitions && infos.stream().allMatch(info -> info.leader() != null);
    }
}
