package io.streamsketch.flink.join;

import io.streamsketch.flink.io.CoalescingWatermarkOutput;
import io.streamsketch.flink.state.WriteBackKeyedStateStore;
import io.streamsketch.flink.state.WriteBackMapState;
import io.streamsketch.flink.state.WriteBackTimerService;
import java.time.Duration;
import java.util.OptionalLong;
import org.apache.flink.api.common.state.KeyedStateStore;
import org.apache.flink.api.common.state.OperatorStateStore;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.runtime.state.KeyGroupStatePartitionStreamProvider;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StatePartitionStreamProvider;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.functions.co.ProcessJoinFunction;
import org.apache.flink.streaming.api.graph.StreamConfig;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.Output;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.streaming.api.operators.co.IntervalJoinOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.tasks.StreamTask;

/**
 * Flink's {@link IntervalJoinOperator}, the same joins, state and timers, with its two buffers behind a {@link
 * WriteBackMapState} and its cleanup timers in a {@link WriteBackTimerService} on a state backend that copies what it
 * stores (RocksDB): each element's read of the other side's buffer (an iterator seek on RocksDB), read-modify-write of
 * its own and cleanup timer are in memory, and the buffers' changes and the timers reach the state before every
 * checkpoint barrier, or all at once when more than {@code maxHeldKeys} keys (or timers) are held. Its
 * state is the operator's own, so a savepoint of {@code intervalJoin(...)} restores into it under the same uid and
 * back. On the heap backend, which stores the objects themselves, its state and timers are Flink's unchanged. On
 * both, its output holds each watermark until something follows it ({@link CoalescingWatermarkOutput}): pairs are
 * few, and their downstream operators would otherwise take every one of the input's watermarks.
 */
public final class WriteBackIntervalJoinOperator<K, T1, T2, OUT> extends IntervalJoinOperator<K, T1, T2, OUT> {
  private static final long serialVersionUID = 1L;

  private final int maxHeldKeys;
  /** The buffers' store on a backend that copies what it stores, else null. */
  private transient WriteBackKeyedStateStore<K> writeBack;
  /** The cleanup timers, held in memory when the buffers are (writeBack not null), else null. */
  private transient WriteBackTimerService<K, ?> timers;
  /** The output, holding each watermark until something follows it. */
  private transient CoalescingWatermarkOutput<OUT> coalescing;
  private transient boolean restored;

  WriteBackIntervalJoinOperator(
      long lowerBound, long upperBound, TypeSerializer<T1> leftSerializer, TypeSerializer<T2> rightSerializer,
      ProcessJoinFunction<T1, T2, OUT> function, int maxHeldKeys) {
    super(lowerBound, upperBound, true, true, null, null, leftSerializer, rightSerializer, function);
    if (maxHeldKeys < 1) {
      throw new IllegalArgumentException("maxHeldKeys must be at least 1: " + maxHeldKeys);
    }
    this.maxHeldKeys = maxHeldKeys;
  }

  /**
   * As {@code left.intervalJoin(right).between(lower, upper).process(function, resultType)}: both bounds inclusive,
   * no late side outputs (an element behind the watermark joins nothing, as there).
   *
   * @param maxHeldKeys the most keys whose buffers, and the most cleanup timers, a subtask holds before it writes and
   *     drops them all, at least 1
   */
  public static <K, T1, T2, OUT> SingleOutputStreamOperator<OUT> join(
      KeyedStream<T1, K> left, KeyedStream<T2, K> right, Duration lower, Duration upper,
      ProcessJoinFunction<T1, T2, OUT> function, TypeInformation<OUT> resultType, String name, int maxHeldKeys) {
    return left.connect(right)
        .transform(
            name,
            resultType,
            new WriteBackIntervalJoinOperator<>(
                lower.toMillis(),
                upper.toMillis(),
                left.getType().createSerializer(left.getExecutionConfig().getSerializerConfig()),
                right.getType().createSerializer(right.getExecutionConfig().getSerializerConfig()),
                function,
                maxHeldKeys));
  }

  @Override
  protected void setup(StreamTask<?, ?> containingTask, StreamConfig config, Output<StreamRecord<OUT>> output) {
    coalescing = new CoalescingWatermarkOutput<>(output, this::getProcessingTimeService);
    super.setup(containingTask, config, coalescing);
  }

  @Override
  public void initializeState(StateInitializationContext context) throws Exception {
    restored = context.isRestored();
    if (getKeyedStateBackend().isSafeToReuseKVState()) {
      writeBack = new WriteBackKeyedStateStore<>(context.getKeyedStateStore(), this::currentKey, context.isRestored(), maxHeldKeys);
      super.initializeState(new WriteBackContext(context));
    } else {
      super.initializeState(context);
    }
  }

  /** Flink's operator asks for its cleanup timers' service in {@link #open}: with write-back, one holding them. */
  @Override
  public <KK, N> InternalTimerService<N> getInternalTimerService(
      String name, TypeSerializer<N> namespaceSerializer, Triggerable<KK, N> triggerable) {
    InternalTimerService<N> service = super.getInternalTimerService(name, namespaceSerializer, triggerable);
    if (writeBack == null) {
      return service;
    }
    @SuppressWarnings("unchecked")
    Triggerable<K, N> join = (Triggerable<K, N>) triggerable;
    WriteBackTimerService<K, N> held = new WriteBackTimerService<>(service, join, this::currentKey, this::setCurrentKey, maxHeldKeys);
    timers = held;
    return held;
  }

  @Override
  public void open() throws Exception {
    super.open();
    if (timers != null && restored) {
      timers.boundByServiceTimers();
    }
  }

  /** The held timers up to the watermark, in time order with the service's, then (super) the service's and the mark. */
  @Override
  public void processWatermark(Watermark mark) throws Exception {
    if (timers != null) {
      timers.fireUpTo(mark.getTimestamp(), time -> timeServiceManager.advanceWatermark(new Watermark(time)));
      dropAllIfOverBound();
    }
    super.processWatermark(mark);
  }

  @Override
  public void processElement1(StreamRecord<T1> element) throws Exception {
    super.processElement1(element);
    dropAllIfOverBound();
  }

  @Override
  public void processElement2(StreamRecord<T2> element) throws Exception {
    super.processElement2(element);
    dropAllIfOverBound();
  }

  @Override
  public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
    if (writeBack != null) {
      writeBack.flush(this::setCurrentKey);
      timers.writeToService();
    }
    coalescing.release();
    super.prepareSnapshotPreBarrier(checkpointId);
  }

  private void dropAllIfOverBound() throws Exception {
    if (writeBack != null) {
      writeBack.dropAllIfOverBound(this::setCurrentKey);
      timers.moveAllToServiceIfOverBound();
    }
  }

  @SuppressWarnings("unchecked")
  private K currentKey() {
    return (K) getCurrentKey();
  }

  /** The operator's initialization context with its map states (the two buffers) behind write-back caches. */
  private final class WriteBackContext implements StateInitializationContext {
    private final StateInitializationContext context;

    WriteBackContext(StateInitializationContext context) {
      this.context = context;
    }

    @Override
    public boolean isRestored() {
      return context.isRestored();
    }

    @Override
    public OptionalLong getRestoredCheckpointId() {
      return context.getRestoredCheckpointId();
    }

    @Override
    public OperatorStateStore getOperatorStateStore() {
      return context.getOperatorStateStore();
    }

    @Override
    public KeyedStateStore getKeyedStateStore() {
      return writeBack;
    }

    @Override
    public Iterable<StatePartitionStreamProvider> getRawOperatorStateInputs() {
      return context.getRawOperatorStateInputs();
    }

    @Override
    public Iterable<KeyGroupStatePartitionStreamProvider> getRawKeyedStateInputs() {
      return context.getRawKeyedStateInputs();
    }
  }
}
