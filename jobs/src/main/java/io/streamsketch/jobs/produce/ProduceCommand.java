package io.streamsketch.jobs.produce;

import io.streamsketch.flink.io.ClickEventParser;
import io.streamsketch.flink.io.JsonLinesFormat;
import io.streamsketch.flink.io.MalformedEventException;
import io.streamsketch.generator.ClickstreamGenerator;
import io.streamsketch.generator.GeneratorConfig;
import io.streamsketch.jobs.cli.Option;
import io.streamsketch.jobs.cli.OptionSet;
import io.streamsketch.jobs.cli.ParsedArgs;
import io.streamsketch.jobs.cli.UsageException;
import io.streamsketch.jobs.runtime.CommonOptions;
import io.streamsketch.jobs.runtime.JobCommand;
import io.streamsketch.jobs.runtime.KafkaTopics;
import io.streamsketch.model.ClickEvent;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * {@code produce}: writes the generator's events, or the lines of a JSON-lines file, to a Kafka topic. No Flink
 * involved. Each record's key is the event's {@code userId} (UTF-8), so Kafka's default partitioner (murmur2 of the
 * key) keeps all of a user's events in one partition, in order; its value is the event's JSON line. A file line that
 * is not a valid event is sent as it is, without a key, so that jobs reading the topic dead-letter it.
 */
public final class ProduceCommand implements JobCommand {
  /** How often the progress line on stderr is redrawn. */
  private static final long PROGRESS_NANOS = TimeUnit.SECONDS.toNanos(1);

  @Override
  public String name() {
    return "produce";
  }

  @Override
  public String summary() {
    return "write generated events or a JSON-lines file to a Kafka topic, keyed by userId";
  }

  @Override
  public OptionSet options() {
    return new OptionSet()
        .add(Option.value("bootstrap-servers", "host:port,...", null, "Kafka brokers"))
        .add(Option.value("topic", "name", null, "topic to write to"))
        .add(
            Option.value(
                "partitions",
                "n",
                null,
                "create the topic with n partitions if it does not exist (default 1); an existing topic must have n"))
        .add(Option.value("input", "file", null, "send the lines of this JSON-lines file instead of generated events"))
        .add(Option.value("rate", "records/s", "0", "records per second; 0 is unlimited"))
        .addAll(CommonOptions.GENERATOR);
  }

  @Override
  public int run(ParsedArgs args, PrintStream out) throws IOException, InterruptedException {
    String bootstrapServers = args.required("bootstrap-servers");
    String topic = args.required("topic");
    double rate = args.doubleValue("rate", 0);
    Integer wanted = args.has("partitions") ? args.intValue("partitions", 1, 100_000) : null;
    Path input = args.has("input") ? Paths.get(args.string("input")) : null;
    GeneratorConfig generator = input == null ? CommonOptions.generatorConfig(args, 0.0) : null;
    if (input != null && !Files.isRegularFile(input)) {
      throw new UsageException(name() + ": --input " + input + " is not a readable file");
    }
    int partitions = ensureTopic(bootstrapServers, topic, wanted);

    Counts counts = new Counts();
    AtomicReference<Exception> failure = new AtomicReference<>();
    long started = System.nanoTime();
    try (KafkaProducer<byte[], byte[]> producer = producer(bootstrapServers)) {
      Sender sender = new Sender(producer, topic, rate, counts, failure, started);
      if (input == null) {
        ClickstreamGenerator events = new ClickstreamGenerator(generator);
        while (events.hasNext() && failure.get() == null) {
          ClickEvent event = events.next();
          sender.send(key(event), event.toJson().getBytes(StandardCharsets.UTF_8));
          counts.events++;
        }
      } else {
        sendLines(input, sender, counts, failure);
      }
      producer.flush();
    }
    System.err.println();
    if (failure.get() != null) {
      System.err.println("error: " + name() + ": sending to " + topic + " failed: " + failure.get().getMessage());
      return 1;
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    out.printf(
        "produced %,d records to %s (%d partitions) in %.1f s: %,d events keyed by userId, %,d unparsable lines without"
            + " a key, %,d lines over %,d bytes skipped%n",
        counts.sent,
        topic,
        partitions,
        seconds,
        counts.events,
        counts.unparsable,
        counts.tooLong,
        JsonLinesFormat.MAX_LINE_BYTES);
    return 0;
  }

  /** Creates the topic if absent; returns its partition count. */
  private int ensureTopic(String bootstrapServers, String topic, Integer wanted) {
    try (KafkaTopics topics = KafkaTopics.connect(name(), bootstrapServers)) {
      OptionalInt existing = topics.partitions(topic);
      if (existing.isEmpty()) {
        int partitions = wanted == null ? 1 : wanted;
        topics.create(topic, partitions);
        return partitions;
      }
      if (wanted != null && existing.getAsInt() != wanted) {
        throw new UsageException(
            name()
                + ": topic '"
                + topic
                + "' exists with "
                + existing.getAsInt()
                + " partitions, not "
                + wanted
                + "; leave out --partitions to write to it as it is");
      }
      return existing.getAsInt();
    }
  }

  private static void sendLines(Path input, Sender sender, Counts counts, AtomicReference<Exception> failure)
      throws IOException, InterruptedException {
    try (JsonLinesFormat.Lines lines =
        new JsonLinesFormat.Lines(Files.newInputStream(input))) {
      for (byte[] line = lines.next(); line != null && failure.get() == null; line = lines.next()) {
        if (lines.truncated()) {
          counts.tooLong++;
          continue;
        }
        byte[] key;
        try {
          key = key(ClickEventParser.parse(line));
          counts.events++;
        } catch (MalformedEventException e) {
          key = null;
          counts.unparsable++;
        }
        sender.send(key, line);
      }
    }
  }

  private static byte[] key(ClickEvent event) {
    return event.userId.getBytes(StandardCharsets.UTF_8);
  }

  private static KafkaProducer<byte[], byte[]> producer(String bootstrapServers) {
    Properties props = new Properties();
    props.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.setProperty(ProducerConfig.ACKS_CONFIG, "all");
    props.setProperty(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    // One request in flight: with several, an idempotent producer was seen (under load, after a leader change of a
    // new partition) retrying a first batch after later ones were appended, which the broker then rejects for ever
    // as out of order, and produce failed after its delivery timeout. Large batches keep the throughput.
    props.setProperty(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
    props.setProperty(ProducerConfig.LINGER_MS_CONFIG, "20");
    props.setProperty(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(256 * 1024));
    // A broker that goes away fails the command within half a minute instead of the default two.
    props.setProperty(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
    props.setProperty(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
    props.setProperty(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
    return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
  }

  private static final class Counts {
    long events;
    long unparsable;
    long tooLong;
    long sent;
  }

  /** Sends at the requested rate, remembers the first failed send, and redraws the progress line. */
  private static final class Sender {
    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final double rate;
    private final Counts counts;
    private final AtomicReference<Exception> failure;
    private final long started;
    private long lastProgress;

    Sender(
        KafkaProducer<byte[], byte[]> producer,
        String topic,
        double rate,
        Counts counts,
        AtomicReference<Exception> failure,
        long started) {
      this.producer = producer;
      this.topic = topic;
      this.rate = rate;
      this.counts = counts;
      this.failure = failure;
      this.started = started;
      this.lastProgress = started;
    }

    void send(byte[] key, byte[] value) throws InterruptedException {
      if (rate > 0) {
        long due = started + (long) (counts.sent / rate * 1e9);
        long wait = due - System.nanoTime();
        if (wait > 0) {
          TimeUnit.NANOSECONDS.sleep(wait);
        }
      }
      producer.send(
          new ProducerRecord<>(topic, key, value),
          (metadata, e) -> {
            if (e != null) {
              failure.compareAndSet(null, e);
            }
          });
      counts.sent++;
      long now = System.nanoTime();
      if (now - lastProgress >= PROGRESS_NANOS) {
        lastProgress = now;
        System.err.printf("\rproduced %,d records (%,.0f/s)", counts.sent, counts.sent / ((now - started) / 1e9));
      }
    }
  }
}
