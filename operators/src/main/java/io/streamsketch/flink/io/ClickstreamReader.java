package io.streamsketch.flink.io;

import io.streamsketch.generator.ClickstreamGenerator;
import io.streamsketch.generator.GeneratorConfig;
import io.streamsketch.model.ClickEvent;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.core.io.InputStatus;

/**
 * Emits the events of its {@link GeneratorPartition}s in generator order: one sequential generator is run forward
 * and each event goes to the output of the partition it belongs to, so the partitions advance through event time
 * together. It starts once the enumerator has said that no more partitions will come, so that every partition of the
 * reader has its split output (and its part of the watermark) from the first event on. Restored partitions may
 * stand at different positions; the generator starts from the lowest.
 */
final class ClickstreamReader implements SourceReader<ClickEvent, GeneratorPartition> {
  private final GeneratorConfig config;
  private final int partitions;
  /** The unfinished partitions, by the position of their next event. */
  private final PriorityQueue<Progress> pending =
      new PriorityQueue<>(Comparator.comparingLong((Progress progress) -> progress.nextPosition));
  /** Partitions added since the last poll, whose split outputs are still to be created. */
  private final List<Progress> withoutOutput = new ArrayList<>();

  private ClickstreamGenerator generator;
  /** The position of the event {@code generator.next()} returns. */
  private long generatorPosition;
  private boolean noMoreSplits;
  private CompletableFuture<Void> available = new CompletableFuture<>();

  ClickstreamReader(GeneratorConfig config, int partitions) {
    this.config = config;
    this.partitions = partitions;
  }

  @Override
  public void start() {}

  @Override
  public InputStatus pollNext(ReaderOutput<ClickEvent> output) {
    // Every partition gets its output before any event goes out, so none is left out of the watermark's minimum.
    for (Progress progress : withoutOutput) {
      progress.output = output.createOutputForSplit(progress.splitId);
    }
    withoutOutput.clear();
    if (!noMoreSplits) {
      // Emit nothing before every partition of this reader is known (restored ones and assigned ones): a partition
      // joining later would start behind a watermark that the others had already advanced.
      available = new CompletableFuture<>();
      return InputStatus.NOTHING_AVAILABLE;
    }
    Progress next = pending.poll();
    if (next == null) {
      return InputStatus.END_OF_INPUT;
    }
    if (generator == null || next.nextPosition < generatorPosition) {
      generator = new ClickstreamGenerator(config);
      generatorPosition = 0;
    }
    for (; generatorPosition < next.nextPosition; generatorPosition++) {
      generator.next();
    }
    generatorPosition++;
    next.output.collect(generator.next());
    next.nextPosition += partitions;
    if (next.nextPosition < config.events()) {
      pending.add(next);
    } else {
      output.releaseOutputForSplit(next.splitId);
    }
    return pending.isEmpty() ? InputStatus.END_OF_INPUT : InputStatus.MORE_AVAILABLE;
  }

  @Override
  public List<GeneratorPartition> snapshotState(long checkpointId) {
    List<GeneratorPartition> state = new ArrayList<>(pending.size());
    for (Progress progress : pending) {
      state.add(new GeneratorPartition(progress.partition, progress.nextPosition));
    }
    return state;
  }

  @Override
  public CompletableFuture<Void> isAvailable() {
    return available;
  }

  @Override
  public void addSplits(List<GeneratorPartition> splits) {
    for (GeneratorPartition split : splits) {
      if (split.nextPosition() < config.events()) {
        Progress progress = new Progress(split);
        pending.add(progress);
        withoutOutput.add(progress);
      }
    }
    available.complete(null);
  }

  @Override
  public void notifyNoMoreSplits() {
    noMoreSplits = true;
    available.complete(null);
  }

  @Override
  public void close() {}

  private static final class Progress {
    final int partition;
    final String splitId;
    long nextPosition;
    SourceOutput<ClickEvent> output;

    Progress(GeneratorPartition split) {
      this.partition = split.partition();
      this.splitId = split.splitId();
      this.nextPosition = split.nextPosition();
    }
  }
}
