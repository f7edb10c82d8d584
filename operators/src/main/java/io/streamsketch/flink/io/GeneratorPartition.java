package io.streamsketch.flink.io;

import org.apache.flink.api.connector.source.SourceSplit;

/**
 * A logical partition of {@link ClickstreamSource} and its progress: the split and its state.
 *
 * @param partition the partition's number i in [0, P): it emits the generator's events i, i+P, i+2P, ...
 * @param nextPosition the generator position (the {@code eventId}) of the partition's next event
 */
public record GeneratorPartition(int partition, long nextPosition) implements SourceSplit {
  @Override
  public String splitId() {
    return "partition-" + partition;
  }
}
