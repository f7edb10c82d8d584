package io.streamsketch.flink.io;

import io.streamsketch.generator.ClickstreamGenerator;
import io.streamsketch.generator.GeneratorConfig;
import io.streamsketch.model.ClickEvent;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.util.NumberSequenceIterator;

/**
 * The generator as a FLIP-27 source: the events of {@link ClickstreamGenerator}, the same at any parallelism.
 *
 * <p>{@link DataGeneratorSource} hands each subtask a contiguous range of indexes. Mapping an index to the event at
 * that position would give subtask 1 the second half of the stream, so its watermark would run hours ahead of
 * subtask 0's. Instead, the k-th index of split j of p maps to event {@code k·p + j}: every subtask walks through
 * event time together, like the partitions of a real topic. Each subtask replays the sequential generator and keeps
 * its share, which costs p times the (cheap) generation.
 */
public final class ClickstreamSource {
  private ClickstreamSource() {}

  /**
   * @param eventsPerSecond the total rate over all subtasks, or 0 for unlimited
   */
  public static DataGeneratorSource<ClickEvent> create(GeneratorConfig config, double eventsPerSecond) {
    if (eventsPerSecond < 0) {
      throw new IllegalArgumentException("rate must be at least 0 events per second: " + eventsPerSecond);
    }
    RateLimiterStrategy rate =
        eventsPerSecond > 0 ? RateLimiterStrategy.perSecond(eventsPerSecond) : RateLimiterStrategy.noOp();
    return new DataGeneratorSource<>(
        new InterleavedEvents(config), config.events(), rate, TypeInformation.of(ClickEvent.class));
  }

  static final class InterleavedEvents implements GeneratorFunction<Long, ClickEvent> {
    private static final long serialVersionUID = 1L;

    private final GeneratorConfig config;
    private transient long[] splitStarts;
    private transient ClickstreamGenerator generator;
    private transient long nextPosition;

    InterleavedEvents(GeneratorConfig config) {
      this.config = config;
    }

    @Override
    public void open(SourceReaderContext readerContext) {
      if (config.events() == 0) {
        return;
      }
      // The same split of [0, events) that DataGeneratorSource's enumerator makes for this parallelism.
      NumberSequenceIterator[] splits =
          new NumberSequenceIterator(0, config.events() - 1).split(readerContext.currentParallelism());
      splitStarts = new long[splits.length];
      for (int i = 0; i < splits.length; i++) {
        splitStarts[i] = splits[i].getCurrent();
      }
    }

    @Override
    public ClickEvent map(Long index) {
      int split = splitOf(index);
      long position = (index - splitStarts[split]) * splitStarts.length + split;
      if (generator == null || position < nextPosition) {
        generator = new ClickstreamGenerator(config);
        nextPosition = 0;
      }
      for (; nextPosition < position; nextPosition++) {
        generator.next();
      }
      nextPosition++;
      return generator.next();
    }

    private int splitOf(long index) {
      int split = splitStarts.length - 1;
      while (splitStarts[split] > index) {
        split--;
      }
      return split;
    }
  }
}
