package io.streamsketch.flink.state;

import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Flink's {@link KeyedProcessOperator} (same state, same timers, so savepoints of either restore into the other) whose
 * function's state is held in memory between checkpoint barriers, in one of two ways:
 *
 * <ul>
 *   <li>a {@link WriteBackFunction} holds its own: the operator turns write-back on;
 *   <li>any other function takes its map and value states from a {@link WriteBackKeyedStateStore} on a state backend
 *       that copies what it stores (RocksDB); on the heap backend it is Flink's operator unchanged.
 * </ul>
 *
 * <p>Either way the held state is flushed before every checkpoint barrier and whenever more than {@code maxHeldKeys}
 * keys are held (after an element or timer, when no key context is in use).
 */
public final class WriteBackKeyedProcessOperator<K, IN, OUT> extends KeyedProcessOperator<K, IN, OUT> {
  private static final long serialVersionUID = 1L;

  private final int maxHeldKeys;
  /** The function's store, for a function that is not a {@link WriteBackFunction}, on RocksDB; else null. */
  private transient WriteBackKeyedStateStore<K> store;

  public WriteBackKeyedProcessOperator(KeyedProcessFunction<K, IN, OUT> function, int maxHeldKeys) {
    super(function);
    if (maxHeldKeys < 1) {
      throw new IllegalArgumentException("maxHeldKeys must be at least 1: " + maxHeldKeys);
    }
    this.maxHeldKeys = maxHeldKeys;
  }

  @SuppressWarnings("unchecked")
  private WriteBackFunction<K> writeBackFunction() {
    return userFunction instanceof WriteBackFunction ? (WriteBackFunction<K>) userFunction : null;
  }

  @Override
  public void initializeState(StateInitializationContext context) throws Exception {
    super.initializeState(context);
    if (writeBackFunction() == null && getKeyedStateBackend().isSafeToReuseKVState()) {
      store = new WriteBackKeyedStateStore<>(context.getKeyedStateStore(), this::currentKey, context.isRestored(), maxHeldKeys);
    }
  }

  /** The store goes into the runtime context here, after Flink set its own and before the function opens. */
  @Override
  public void open() throws Exception {
    if (store != null) {
      getRuntimeContext().setKeyedStateStore(store);
    }
    super.open();
    if (writeBackFunction() != null) {
      writeBackFunction().enableWriteBack();
    }
  }

  @Override
  public void processElement(StreamRecord<IN> element) throws Exception {
    super.processElement(element);
    flushIfFull();
  }

  @Override
  public void onEventTime(InternalTimer<K, VoidNamespace> timer) throws Exception {
    super.onEventTime(timer);
    flushIfFull();
  }

  @Override
  public void onProcessingTime(InternalTimer<K, VoidNamespace> timer) throws Exception {
    super.onProcessingTime(timer);
    flushIfFull();
  }

  @Override
  public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
    if (writeBackFunction() != null) {
      writeBackFunction().flush(this::setCurrentKey);
    } else if (store != null) {
      store.flush(this::setCurrentKey);
    }
    super.prepareSnapshotPreBarrier(checkpointId);
  }

  private void flushIfFull() throws Exception {
    if (writeBackFunction() != null) {
      if (writeBackFunction().heldKeys() > maxHeldKeys) {
        writeBackFunction().flush(this::setCurrentKey);
      }
    } else if (store != null) {
      store.dropAllIfOverBound(this::setCurrentKey);
    }
  }

  @SuppressWarnings("unchecked")
  private K currentKey() {
    return (K) getCurrentKey();
  }
}
