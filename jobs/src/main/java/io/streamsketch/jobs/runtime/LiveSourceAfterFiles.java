package io.streamsketch.jobs.runtime;

import java.io.IOException;
import java.util.List;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * The second source of a {@code HybridSource} whose readers never ask for splits (the Kafka source assigns them
 * itself), with one change: a split request that reaches its enumerator is answered with "no more splits".
 *
 * <p>Why: in Flink 2.2.1, a checkpoint taken while the hybrid source switches (its enumerator already on the second
 * source, its reader holding no split of either) restores a reader that starts over at the first source, with no
 * split of it, and asks for one; the request goes to the enumerator of the second source, which ignores it, and the
 * job reads nothing more, for good (found by {@code HybridInputFailureIT}). Answering that reader "no more splits" is
 * right, since the files were read whole before the checkpoint: it ends the first source without a record and
 * switches to the second, as the enumerator expects.
 */
final class LiveSourceAfterFiles<T, SplitT extends SourceSplit, EnumChkT> implements Source<T, SplitT, EnumChkT> {
  private static final long serialVersionUID = 1L;
  private final Source<T, SplitT, EnumChkT> live;

  LiveSourceAfterFiles(Source<T, SplitT, EnumChkT> live) {
    this.live = live;
  }

  @Override
  public Boundedness getBoundedness() {
    return live.getBoundedness();
  }

  @Override
  public SplitEnumerator<SplitT, EnumChkT> createEnumerator(SplitEnumeratorContext<SplitT> context) throws Exception {
    return new AnsweringSplitRequests<>(live.createEnumerator(context), context);
  }

  @Override
  public SplitEnumerator<SplitT, EnumChkT> restoreEnumerator(SplitEnumeratorContext<SplitT> context, EnumChkT state)
      throws Exception {
    return new AnsweringSplitRequests<>(live.restoreEnumerator(context, state), context);
  }

  @Override
  public SimpleVersionedSerializer<SplitT> getSplitSerializer() {
    return live.getSplitSerializer();
  }

  @Override
  public SimpleVersionedSerializer<EnumChkT> getEnumeratorCheckpointSerializer() {
    return live.getEnumeratorCheckpointSerializer();
  }

  @Override
  public SourceReader<T, SplitT> createReader(SourceReaderContext context) throws Exception {
    return live.createReader(context);
  }

  /** The live source's enumerator, except that a split request (from a reader still on the files) ends the files. */
  static final class AnsweringSplitRequests<SplitT extends SourceSplit, EnumChkT>
      implements SplitEnumerator<SplitT, EnumChkT> {
    private final SplitEnumerator<SplitT, EnumChkT> live;
    private final SplitEnumeratorContext<SplitT> context;

    AnsweringSplitRequests(SplitEnumerator<SplitT, EnumChkT> live, SplitEnumeratorContext<SplitT> context) {
      this.live = live;
      this.context = context;
    }

    @Override
    public void start() {
      live.start();
    }

    @Override
    public void handleSplitRequest(int subtask, String host) {
      context.signalNoMoreSplits(subtask);
    }

    @Override
    public void addSplitsBack(List<SplitT> splits, int subtask) {
      live.addSplitsBack(splits, subtask);
    }

    @Override
    public void addReader(int subtask) {
      live.addReader(subtask);
    }

    @Override
    public EnumChkT snapshotState(long checkpointId) throws Exception {
      return live.snapshotState(checkpointId);
    }

    @Override
    public void close() throws IOException {
      live.close();
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) throws Exception {
      live.notifyCheckpointComplete(checkpointId);
    }

    @Override
    public void notifyCheckpointAborted(long checkpointId) throws Exception {
      live.notifyCheckpointAborted(checkpointId);
    }

    @Override
    public void handleSourceEvent(int subtask, SourceEvent event) {
      live.handleSourceEvent(subtask, event);
    }
  }
}
