package io.streamsketch.jobs.testing;

import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * A sink that adds every record to a queue the test reads: the test and the MiniCluster share the JVM. The sink is
 * serialized into the job, so it names its queue rather than holding it.
 */
public final class CollectToQueue<T> implements Sink<T> {
  private static final ConcurrentHashMap<String, Queue<Object>> QUEUES = new ConcurrentHashMap<>();

  private final String queue;

  private CollectToQueue(String queue) {
    this.queue = queue;
  }

  /** A sink into the queue {@code name}, which it empties first. */
  public static <T> CollectToQueue<T> into(String name) {
    queue(name).clear();
    return new CollectToQueue<>(name);
  }

  /** The records sent so far to the queue {@code name}. */
  @SuppressWarnings("unchecked")
  public static <T> Queue<T> queue(String name) {
    return (Queue<T>) QUEUES.computeIfAbsent(name, n -> new ConcurrentLinkedQueue<>());
  }

  @Override
  public SinkWriter<T> createWriter(WriterInitContext context) {
    Queue<T> records = queue(queue);
    return new SinkWriter<>() {
      @Override
      public void write(T element, Context context) {
        records.add(element);
      }

      @Override
      public void flush(boolean endOfInput) {}

      @Override
      public void close() {}
    };
  }
}
