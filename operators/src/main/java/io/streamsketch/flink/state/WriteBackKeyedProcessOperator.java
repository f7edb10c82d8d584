package io.streamsketch.flink.state;

import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Flink's {@link KeyedProcessOperator} (same state, same timers, so savepoints of either restore into the other) for a
 * {@link WriteBackFunction}: it turns write-back on, and flushes the held state before every checkpoint barrier and
 * whenever more than {@code maxHeldKeys} keys are held (after an element or timer, when no key context is in use).
 */
public final class WriteBackKeyedProcessOperator<K, IN, OUT> extends KeyedProcessOperator<K, IN, OUT> {
  private static final long serialVersionUID = 1L;

  private final int maxHeldKeys;

  public <F extends KeyedProcessFunction<K, IN, OUT> & WriteBackFunction<K>> WriteBackKeyedProcessOperator(
      F function, int maxHeldKeys) {
    super(function);
    if (maxHeldKeys < 1) {
      throw new IllegalArgumentException("maxHeldKeys must be at least 1: " + maxHeldKeys);
    }
    this.maxHeldKeys = maxHeldKeys;
  }

  @SuppressWarnings("unchecked")
  private WriteBackFunction<K> writeBack() {
    return (WriteBackFunction<K>) userFunction;
  }

  @Override
  public void open() throws Exception {
    super.open();
    writeBack().enableWriteBack();
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
    writeBack().flush(this::setCurrentKey);
    super.prepareSnapshotPreBarrier(checkpointId);
  }

  private void flushIfFull() throws Exception {
    if (writeBack().heldKeys() > maxHeldKeys) {
      writeBack().flush(this::setCurrentKey);
    }
  }
}
