package io.streamsketch.flink.state;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.apache.flink.api.common.state.ValueState;

/**
 * A write-back cache in front of a keyed {@link ValueState}: writes (and clears) stay on the heap until {@link #flush},
 * which a {@link WriteBackKeyedProcessOperator} calls before every checkpoint barrier (so every snapshot has every
 * write) and when more than its bound of keys are held; reads of a written key come from the heap. A key read and
 * written by every element then costs RocksDB one read per checkpoint interval and one write per flush, not a read
 * and a write (with their deserialization and serialization) per element.
 *
 * <p>With a state TTL (processing time, updated on create and write, expired values never returned), a held value
 * written longer than the TTL ago is dropped and read from the state, which applies the TTL; a flushed value's TTL
 * then counts from the flush, at most one checkpoint interval after its write.
 *
 * <p>The held values are the objects the function changes, as on the heap backend: a function must write (or clear)
 * a value it changed, as it must for RocksDB.
 */
public final class WriteBackValueState<K, V> {
  private final ValueState<V> state;
  private final long ttlMillis;
  private final LongSupplier clock;
  /** Written values (null: cleared) and when they were written. */
  private final Map<K, Written<V>> written = new HashMap<>();

  private record Written<V>(V value, long at) {}

  /**
   * @param state the keyed state; each call names the key that is current in the keyed backend
   * @param ttl the state's TTL, zero if it has none
   */
  public WriteBackValueState(ValueState<V> state, Duration ttl) {
    this(state, ttl, System::currentTimeMillis);
  }

  WriteBackValueState(ValueState<V> state, Duration ttl, LongSupplier clock) {
    this.state = state;
    this.ttlMillis = ttl.toMillis();
    this.clock = clock;
  }

  /** The current key's value, or null. */
  public V value(K key) throws Exception {
    Written<V> entry = written.get(key);
    if (entry == null) {
      return state.value();
    }
    if (ttlMillis > 0 && clock.getAsLong() - entry.at() >= ttlMillis) {
      written.remove(key);
      return state.value(); // written no later than the held value, so expired too
    }
    return entry.value();
  }

  /** Sets the current key's value. */
  public void update(K key, V value) {
    written.put(key, new Written<>(value, clock.getAsLong()));
  }

  /** Clears the current key's value. */
  public void clear(K key) {
    written.put(key, new Written<>(null, clock.getAsLong()));
  }

  /** How many keys' writes are held. */
  public int heldKeys() {
    return written.size();
  }

  /** Writes every held value to the state, each with its key made current by {@code setCurrentKey}. */
  public void flush(Consumer<K> setCurrentKey) throws Exception {
    for (Map.Entry<K, Written<V>> entry : written.entrySet()) {
      setCurrentKey.accept(entry.getKey());
      if (entry.getValue().value() == null) {
        state.clear();
      } else {
        state.update(entry.getValue().value());
      }
    }
    written.clear();
  }
}
