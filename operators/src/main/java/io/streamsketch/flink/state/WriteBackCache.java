package io.streamsketch.flink.state;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * What {@link WriteBackMapState} and {@link WriteBackKeyedValueState} share: what each holds per key, and whether the
 * state may hold keys that are not held.
 *
 * @param <K> the key
 * @param <H> what is held for a key
 */
abstract class WriteBackCache<K, H> {
  final Map<K, H> held = new HashMap<>();
  /** Whether the state may hold keys that are not held (restored, or dropped). */
  boolean stateMayHoldOthers;

  WriteBackCache(boolean restored) {
    this.stateMayHoldOthers = restored;
  }

  /** How many keys are held. */
  public int heldKeys() {
    return held.size();
  }

  /** Writes every held change, each with its key made current by {@code setCurrentKey}. */
  public abstract void flush(Consumer<K> setCurrentKey) throws Exception;

  /** {@link #flush}, then drops everything held: later accesses read the state again. */
  public void flushAndDrop(Consumer<K> setCurrentKey) throws Exception {
    flush(setCurrentKey);
    held.clear();
    stateMayHoldOthers = true;
  }
}
