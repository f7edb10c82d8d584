package io.streamsketch.flink.state;

import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Flink's {@link KeyedCoProcessOperator} (same state, same timers, so savepoints of either restore into the other)
 * whose function's map and value states are {@link WriteBackMapState}s and {@link WriteBackKeyedValueState}s on a
 * state backend that copies what it stores (RocksDB):
 * their reads and writes stay in memory, and their changes reach the state before every checkpoint barrier, or all
 * at once when more than {@code maxHeldKeys} keys are held (after an element or timer, when no key context is in
 * use). On the heap backend it is Flink's operator unchanged. The function must put (or remove) a value it changed,
 * as it must for RocksDB.
 */
public final class WriteBackKeyedCoProcessOperator<K, IN1, IN2, OUT> extends KeyedCoProcessOperator<K, IN1, IN2, OUT> {
  private static final long serialVersionUID = 1L;

  private final int maxHeldKeys;
  /** The function's store on a backend that copies what it stores, else null. */
  private transient WriteBackKeyedStateStore<K> writeBack;

  public WriteBackKeyedCoProcessOperator(KeyedCoProcessFunction<K, IN1, IN2, OUT> function, int maxHeldKeys) {
    super(function);
    if (maxHeldKeys < 1) {
      throw new IllegalArgumentException("maxHeldKeys must be at least 1: " + maxHeldKeys);
    }
    this.maxHeldKeys = maxHeldKeys;
  }

  @Override
  public void initializeState(StateInitializationContext context) throws Exception {
    super.initializeState(context);
    if (getKeyedStateBackend().isSafeToReuseKVState()) {
      writeBack = new WriteBackKeyedStateStore<>(context.getKeyedStateStore(), this::currentKey, context.isRestored(), maxHeldKeys);
    }
  }

  /** The store goes into the runtime context here, after Flink set its own and before the function opens. */
  @Override
  public void open() throws Exception {
    if (writeBack != null) {
      getRuntimeContext().setKeyedStateStore(writeBack);
    }
    super.open();
  }

  @Override
  public void processElement1(StreamRecord<IN1> element) throws Exception {
    super.processElement1(element);
    dropAllIfOverBound();
  }

  @Override
  public void processElement2(StreamRecord<IN2> element) throws Exception {
    super.processElement2(element);
    dropAllIfOverBound();
  }

  @Override
  public void onEventTime(InternalTimer<K, VoidNamespace> timer) throws Exception {
    super.onEventTime(timer);
    dropAllIfOverBound();
  }

  @Override
  public void onProcessingTime(InternalTimer<K, VoidNamespace> timer) throws Exception {
    super.onProcessingTime(timer);
    dropAllIfOverBound();
  }

  @Override
  public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
    if (writeBack != null) {
      writeBack.flush(this::setCurrentKey);
    }
    super.prepareSnapshotPreBarrier(checkpointId);
  }

  private void dropAllIfOverBound() throws Exception {
    if (writeBack != null) {
      writeBack.dropAllIfOverBound(this::setCurrentKey);
    }
  }

  @SuppressWarnings("unchecked")
  private K currentKey() {
    return (K) getCurrentKey();
  }
}
