package io.streamsketch.flink.io;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.connector.source.SplitsAssignment;

/**
 * Hands {@link ClickstreamSource}'s unassigned partitions to readers: partition i to subtask i mod p, all in one
 * assignment at a reader's registration, then no more. Partitions a failed reader had not checkpointed come back and go to that
 * subtask again when it registers anew; a restore brings the readers' partitions back in the readers' state.
 */
final class ClickstreamEnumerator implements SplitEnumerator<GeneratorPartition, List<GeneratorPartition>> {
  private final SplitEnumeratorContext<GeneratorPartition> context;
  private final TreeMap<Integer, GeneratorPartition> unassigned = new TreeMap<>();

  ClickstreamEnumerator(SplitEnumeratorContext<GeneratorPartition> context, List<GeneratorPartition> unassigned) {
    this.context = context;
    addAll(unassigned);
  }

  @Override
  public void start() {}

  @Override
  public void handleSplitRequest(int subtaskId, String requesterHostname) {
    // Readers never ask: each gets its share when it registers.
  }

  @Override
  public void addSplitsBack(List<GeneratorPartition> splits, int subtaskId) {
    addAll(splits);
  }

  @Override
  public void addReader(int subtaskId) {
    int parallelism = context.currentParallelism();
    List<GeneratorPartition> share = new ArrayList<>();
    unassigned.values().removeIf(split -> split.partition() % parallelism == subtaskId && share.add(split));
    if (!share.isEmpty()) {
      // One assignment, so the reader gets its partitions together.
      context.assignSplits(new SplitsAssignment<>(Map.of(subtaskId, share)));
    }
    context.signalNoMoreSplits(subtaskId);
  }

  @Override
  public List<GeneratorPartition> snapshotState(long checkpointId) {
    return new ArrayList<>(unassigned.values());
  }

  @Override
  public void close() {}

  private void addAll(List<GeneratorPartition> splits) {
    for (GeneratorPartition split : splits) {
      unassigned.put(split.partition(), split);
    }
  }
}
