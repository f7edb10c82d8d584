package io.streamsketch.flink.state;

import java.io.IOException;
import java.util.Iterator;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.flink.api.common.state.ValueState;

/**
 * {@link WriteBackKeyedStateStore}'s {@link ValueState}, on a state backend that copies what it stores (RocksDB): as
 * {@link WriteBackMapState}, for a value. A key's value is held in memory from its first write (or first read that
 * finds one), reads and writes go to it, and the changes reach the state only at {@link #flush}, which the operator
 * calls before every checkpoint barrier. A key that is new in this run is known to have no value in the state and is
 * not read from it; after a restore, and after {@link #flushAndDrop}, a key's first read reads the state once.
 *
 * <p>Unlike {@link WriteBackValueState}, which a function drives with the keys it names, this one follows the keyed
 * backend's current key, so a function written for Flink's own state runs on it unchanged. The held values are the
 * objects the function wrote: it must write (or clear) a value it changed, as it must for RocksDB.
 */
public final class WriteBackKeyedValueState<K, V> extends WriteBackCache<K, WriteBackKeyedValueState.Value<V>>
    implements ValueState<V> {
  private final ValueState<V> state;
  private final Supplier<K> currentKey;

  static final class Value<V> {
    /** Null: cleared. */
    V value;
    /** Whether the value changed since the last flush. */
    boolean changed;
    /** Whether the state may hold a value of this key. */
    boolean stored;
  }

  /**
   * @param state the keyed state; each call names the key that is current in the keyed backend
   * @param currentKey the keyed backend's current key
   * @param restored whether the state was restored (so that it may hold values of keys not seen in this run)
   */
  public WriteBackKeyedValueState(ValueState<V> state, Supplier<K> currentKey, boolean restored) {
    super(restored);
    this.state = state;
    this.currentKey = currentKey;
  }

  @Override
  public V value() throws IOException {
    Value<V> value = held.get(currentKey.get());
    if (value != null) {
      return value.value;
    }
    if (!stateMayHoldOthers) {
      return null;
    }
    V stored = state.value();
    if (stored != null) {
      value = new Value<>();
      value.value = stored;
      value.stored = true;
      held.put(currentKey.get(), value);
    }
    return stored;
  }

  @Override
  public void update(V newValue) {
    if (newValue == null) {
      // As Flink's states: an update to null clears.
      clear();
      return;
    }
    Value<V> value = held.get(currentKey.get());
    if (value == null) {
      value = new Value<>();
      // Not read: the state may hold an older value, which the flush overwrites either way.
      value.stored = stateMayHoldOthers;
      held.put(currentKey.get(), value);
    }
    value.value = newValue;
    value.changed = true;
  }

  @Override
  public void clear() {
    K key = currentKey.get();
    Value<V> value = held.get(key);
    if (value == null) {
      if (!stateMayHoldOthers) {
        return;
      }
      // Not read: the state may hold a value, which the flush deletes.
      value = new Value<>();
      value.stored = true;
      held.put(key, value);
    }
    value.value = null;
    value.changed = true;
    if (!value.stored) {
      held.remove(key);
    }
  }

  /**
   * Writes every change to the state, each with its key made current by {@code setCurrentKey}; the values stay held
   * (cleared ones are forgotten).
   */
  @Override
  public void flush(Consumer<K> setCurrentKey) throws Exception {
    Iterator<Map.Entry<K, Value<V>>> keys = held.entrySet().iterator();
    while (keys.hasNext()) {
      Map.Entry<K, Value<V>> key = keys.next();
      Value<V> value = key.getValue();
      if (value.changed) {
        setCurrentKey.accept(key.getKey());
        if (value.value == null) {
          state.clear();
        } else {
          state.update(value.value);
        }
        value.changed = false;
      }
      value.stored = value.value != null;
      if (!value.stored) {
        keys.remove();
      }
    }
  }
}
