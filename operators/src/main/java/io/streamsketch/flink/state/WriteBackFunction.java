package io.streamsketch.flink.state;

import java.util.function.Consumer;

/**
 * A keyed function that keeps its state behind a {@link WriteBackValueState} when {@link WriteBackKeyedProcessOperator}
 * runs it (and reads and writes the state directly under any other operator, such as a test harness's).
 */
public interface WriteBackFunction<K> {
  /** Called once, before the first element: from now on hold state in memory until {@link #flush}. */
  void enableWriteBack();

  /** How many keys' values are held in memory. */
  int heldKeys();

  /** Writes every held change to keyed state, making each key current with {@code setCurrentKey}. */
  void flush(Consumer<K> setCurrentKey) throws Exception;
}
