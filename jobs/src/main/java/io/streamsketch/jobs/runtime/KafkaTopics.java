package io.streamsketch.jobs.runtime;

import io.streamsketch.jobs.cli.UsageException;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Checks and creates Kafka topics before a command starts, with short timeouts: a broker that does not answer, or a
 * malformed {@code --bootstrap-servers}, is a {@link UsageException} (one line, exit 2) within seconds.
 */
public final class KafkaTopics implements AutoCloseable {
  /** How long a check waits for the broker. */
  public static final int TIMEOUT_MS = 5_000;

  private final String command;
  private final String bootstrapServers;
  private final Admin admin;

  private KafkaTopics(String command, String bootstrapServers, Admin admin) {
    this.command = command;
    this.bootstrapServers = bootstrapServers;
    this.admin = admin;
  }

  public static KafkaTopics connect(String command, String bootstrapServers) {
    Properties props = new Properties();
    props.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.setProperty(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Integer.toString(TIMEOUT_MS));
    props.setProperty(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Integer.toString(TIMEOUT_MS));
    try {
      return new KafkaTopics(command, bootstrapServers, Admin.create(props));
    } catch (KafkaException e) {
      // A malformed or unresolvable address fails here, before any connection.
      throw new UsageException(command + ": --bootstrap-servers '" + bootstrapServers + "': " + rootMessage(e));
    }
  }

  /** The topic's partition count, or empty if the topic does not exist. */
  public OptionalInt partitions(String topic) {
    try {
      return OptionalInt.of(
          admin
              .describeTopics(List.of(topic))
              .allTopicNames()
              .get(TIMEOUT_MS + 1_000L, TimeUnit.MILLISECONDS)
              .get(topic)
              .partitions()
              .size());
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        return OptionalInt.empty();
      }
      throw noBroker(e.getCause());
    } catch (TimeoutException e) {
      throw noBroker(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UsageException(command + ": interrupted while checking topic '" + topic + "'");
    }
  }

  /** The partition count of a topic that must exist. */
  public int existingPartitions(String topic) {
    return partitions(topic)
        .orElseThrow(
            () -> new UsageException(command + ": topic '" + topic + "' does not exist on " + bootstrapServers));
  }

  /** Creates {@code topic} with {@code partitions} partitions and the broker's default replication. */
  public void create(String topic, int partitions) {
    try {
      admin
          .createTopics(List.of(new NewTopic(topic, Optional.of(partitions), Optional.empty())))
          .all()
          .get(TIMEOUT_MS + 1_000L, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new UsageException(command + ": could not create topic '" + topic + "': " + rootMessage(e));
    } catch (TimeoutException e) {
      throw noBroker(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UsageException(command + ": interrupted while creating topic '" + topic + "'");
    }
  }

  @Override
  public void close() {
    admin.close();
  }

  private UsageException noBroker(Throwable cause) {
    return new UsageException(
        command
            + ": no Kafka broker answered at "
            + bootstrapServers
            + " within "
            + TIMEOUT_MS / 1000
            + " s ("
            + rootMessage(cause)
            + ")");
  }

  static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
  }
}
