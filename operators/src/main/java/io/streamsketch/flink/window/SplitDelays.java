package io.streamsketch.flink.window;

import io.streamsketch.model.ClickEvent;
import io.streamsketch.model.EventDelay;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.api.java.typeutils.TupleTypeInfo;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.function.SerializableFunction;

/**
 * Turns each event into its {@link EventDelay}: how far it trails the largest event time seen before it on its input
 * split. It must run right after the source, at the source's parallelism and chained to it (forward), so that it sees
 * each split's events in the order the source read them, which is the order the source's per-split watermarks saw.
 *
 * <p>The output record's timestamp is the split's frontier (its largest event time so far), not the event's time:
 * a window of frontiers gathers the delays of the events that arrived while their splits were in that window, and no
 * delay record is ever behind the watermark, which is at most the smallest frontier minus the out-of-orderness.
 *
 * <p>The split of an event is {@code split.apply(event)}, or, when that function is null, this subtask's source
 * reader ({@code "reader-<subtask>/<parallelism>"}): right for one reader of files, and for Kafka when every reader has
 * one partition; a reader of several splits that are out of step reports delays larger than their splits' own.
 *
 * <p>The largest event time per split is operator state (union list state of (split, time), explicit tuple
 * serializer), so a restored job continues each split's frontier. Every subtask is given every split's time; after a
 * change of parallelism a subtask continues those of the splits its reader now reads, and a reader's own frontier
 * starts afresh, as its name holds the parallelism (its splits are others now).
 */
public final class SplitDelays extends AbstractStreamOperator<EventDelay>
    implements OneInputStreamOperator<ClickEvent, EventDelay> {
  private static final long serialVersionUID = 1L;

  private static final ListStateDescriptor<Tuple2<String, Long>> FRONTIERS =
      new ListStateDescriptor<>("split-frontiers", new TupleTypeInfo<>(Types.STRING, Types.LONG));

  private final SerializableFunction<ClickEvent, String> split;

  private transient Map<String, Long> frontiers;
  private transient ListState<Tuple2<String, Long>> stored;
  private transient String readerSplit;

  /** @param split the split of an event, or null for this subtask's reader */
  public SplitDelays(SerializableFunction<ClickEvent, String> split) {
    this.split = split;
  }

  @Override
  public void initializeState(StateInitializationContext context) throws Exception {
    super.initializeState(context);
    frontiers = new HashMap<>();
    stored = context.getOperatorStateStore().getUnionListState(FRONTIERS);
    for (Tuple2<String, Long> frontier : stored.get()) {
      frontiers.merge(frontier.f0, frontier.f1, Math::max);
    }
  }

  @Override
  public void open() throws Exception {
    super.open();
    readerSplit =
        "reader-" + getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() + "/"
            + getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks();
  }

  @Override
  public void processElement(StreamRecord<ClickEvent> element) {
    ClickEvent event = element.getValue();
    String key = split == null ? readerSplit : split.apply(event);
    long frontier = frontiers.merge(key, event.eventTime, Math::max);
    output.collect(new StreamRecord<>(new EventDelay(key, event.eventId, event.eventTime, frontier), frontier));
  }

  @Override
  public void snapshotState(StateSnapshotContext context) throws Exception {
    super.snapshotState(context);
    List<Tuple2<String, Long>> snapshot = new ArrayList<>(frontiers.size());
    frontiers.forEach((key, time) -> snapshot.add(Tuple2.of(key, time)));
    stored.update(snapshot);
  }
}
