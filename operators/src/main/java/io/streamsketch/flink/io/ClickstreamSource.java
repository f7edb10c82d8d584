package io.streamsketch.flink.io;

import io.streamsketch.generator.ClickstreamGenerator;
import io.streamsketch.generator.GeneratorConfig;
import io.streamsketch.model.ClickEvent;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimitedSourceReader;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;

/**
 * The generator as a FLIP-27 source: the events of {@link ClickstreamGenerator} split into a fixed number of
 * logical partitions, like a topic's, whatever the parallelism.
 *
 * <p>Partition i of P emits the events at positions i, i+P, i+2P, ... of the sequential generator, so every
 * partition walks through event time together and the union of the partitions is the generator's stream. A
 * partition is one split; its state is the position of its next event. Splits are assigned to readers (partition
 * i to subtask i mod p at the first start; a restore at another parallelism redistributes the restored splits), so
 * a job restored from a savepoint or a retained checkpoint at any parallelism emits exactly the events the
 * uninterrupted run would have. Readers emit each partition through its own split output, so a watermark strategy
 * given to {@code fromSource} tracks each partition and the reader's watermark is their minimum. A parallelism above
 * P leaves readers without a split; they finish at once.
 *
 * <p>The generator's options (and P) are stored with the split state, and a restore with a different value fails
 * with a {@link GeneratorOptionChangedException} naming the option: other options would silently give other events
 * at the stored positions.
 *
 * <p>Each reader replays the sequential generator and keeps its partitions' events, which costs p times the
 * (cheap) generation; a restore replays each reader's generator up to its splits' positions.
 */
public final class ClickstreamSource
    implements Source<ClickEvent, GeneratorPartition, List<GeneratorPartition>>, ResultTypeQueryable<ClickEvent> {
  private static final long serialVersionUID = 1L;

  /** The default number of logical partitions: the highest parallelism at which every reader has a split. */
  public static final int DEFAULT_PARTITIONS = 16;

  private final GeneratorConfig config;
  private final int partitions;
  private final double eventsPerSecond;

  private ClickstreamSource(GeneratorConfig config, int partitions, double eventsPerSecond) {
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be at least 1: " + partitions);
    }
    if (!(eventsPerSecond >= 0)) {
      throw new IllegalArgumentException("rate must be at least 0 events per second: " + eventsPerSecond);
    }
    this.config = config;
    this.partitions = partitions;
    this.eventsPerSecond = eventsPerSecond;
  }

  /**
   * The source of {@code config}'s events in {@link #DEFAULT_PARTITIONS} partitions.
   *
   * @param eventsPerSecond the total rate over all subtasks, or 0 for unlimited
   */
  public static ClickstreamSource create(GeneratorConfig config, double eventsPerSecond) {
    return create(config, DEFAULT_PARTITIONS, eventsPerSecond);
  }

  /** The source of {@code config}'s events in {@code partitions} logical partitions. */
  public static ClickstreamSource create(GeneratorConfig config, int partitions, double eventsPerSecond) {
    return new ClickstreamSource(config, partitions, eventsPerSecond);
  }

  /**
   * A split as a savepoint stores it, with the partition count and event count of the run that wrote it.
   *
   * @param split the partition and the position of its next event
   */
  public record StoredSplit(GeneratorPartition split, int partitions, long events) {
    /** The events the partition has left to emit: positions {@code partition + k·partitions} below {@code events}. */
    public long remaining() {
      return split.nextPosition() >= events ? 0 : (events - split.nextPosition() + partitions - 1) / partitions;
    }
  }

  /**
   * Reads a reader's split from its bytes in a savepoint (as {@link
   * org.apache.flink.core.io.SimpleVersionedSerialization} wrote them with {@link #getSplitSerializer}), whatever
   * options it was written with.
   */
  public static StoredSplit readStoredSplit(byte[] versionedBytes) throws IOException {
    DataInputDeserializer in = new DataInputDeserializer(versionedBytes);
    int version = in.readInt();
    int length = in.readInt();
    byte[] bytes = new byte[length];
    in.readFully(bytes);
    return GeneratorStateSerializers.readStoredSplit(version, bytes);
  }

  @Override
  public Boundedness getBoundedness() {
    return Boundedness.BOUNDED;
  }

  @Override
  public SplitEnumerator<GeneratorPartition, List<GeneratorPartition>> createEnumerator(
      SplitEnumeratorContext<GeneratorPartition> context) {
    // A partition beyond the last event has nothing to emit: --events 0 makes no split, and the run ends at once.
    List<GeneratorPartition> all = new ArrayList<>();
    for (int partition = 0; partition < partitions && partition < config.events(); partition++) {
      all.add(new GeneratorPartition(partition, partition));
    }
    return new ClickstreamEnumerator(context, all);
  }

  @Override
  public SplitEnumerator<GeneratorPartition, List<GeneratorPartition>> restoreEnumerator(
      SplitEnumeratorContext<GeneratorPartition> context, List<GeneratorPartition> unassigned) {
    return new ClickstreamEnumerator(context, unassigned);
  }

  @Override
  public SimpleVersionedSerializer<GeneratorPartition> getSplitSerializer() {
    return new GeneratorStateSerializers.Splits(config, partitions);
  }

  @Override
  public SimpleVersionedSerializer<List<GeneratorPartition>> getEnumeratorCheckpointSerializer() {
    return new GeneratorStateSerializers.UnassignedSplits(config, partitions);
  }

  @Override
  public SourceReader<ClickEvent, GeneratorPartition> createReader(SourceReaderContext context) {
    ClickstreamReader reader = new ClickstreamReader(config, partitions);
    if (eventsPerSecond == 0) {
      return reader;
    }
    return new RateLimitedSourceReader<>(
        reader, RateLimiterStrategy.<GeneratorPartition>perSecond(eventsPerSecond)
            .createRateLimiter(context.currentParallelism()));
  }

  @Override
  public TypeInformation<ClickEvent> getProducedType() {
    return TypeInformation.of(ClickEvent.class);
  }
}
