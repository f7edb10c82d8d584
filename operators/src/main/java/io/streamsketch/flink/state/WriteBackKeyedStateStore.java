package io.streamsketch.flink.state;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.flink.api.common.state.AggregatingState;
import org.apache.flink.api.common.state.AggregatingStateDescriptor;
import org.apache.flink.api.common.state.KeyedStateStore;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReducingState;
import org.apache.flink.api.common.state.ReducingStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;

/**
 * A keyed state store whose map states are {@link WriteBackMapState}s and whose value states are {@link
 * WriteBackKeyedValueState}s, for an operator whose functions (or whose own code) take their state from a {@link
 * KeyedStateStore}; only for a state backend that copies what it stores (RocksDB: {@code isSafeToReuseKVState}). The
 * operator calls {@link #flush} before every checkpoint barrier and {@link #dropAllIfOverBound} after each element and
 * timer. Other states, and states with a TTL, are the store's own.
 */
public final class WriteBackKeyedStateStore<K> implements KeyedStateStore {
  private final KeyedStateStore store;
  private final Supplier<K> currentKey;
  private final boolean restored;
  private final int maxHeldKeys;
  private final List<WriteBackCache<K, ?>> states = new ArrayList<>();

  /**
   * @param currentKey the keyed backend's current key
   * @param restored whether the state was restored (so that it may hold keys not seen in this run)
   * @param maxHeldKeys the most keys held, summed over the map and value states, before all are written and dropped
   */
  public WriteBackKeyedStateStore(KeyedStateStore store, Supplier<K> currentKey, boolean restored, int maxHeldKeys) {
    if (maxHeldKeys < 1) {
      throw new IllegalArgumentException("maxHeldKeys must be at least 1: " + maxHeldKeys);
    }
    this.store = store;
    this.currentKey = currentKey;
    this.restored = restored;
    this.maxHeldKeys = maxHeldKeys;
  }

  /** Writes every held change of every map and value state; see {@link WriteBackMapState#flush}. */
  public void flush(Consumer<K> setCurrentKey) throws Exception {
    for (WriteBackCache<K, ?> state : states) {
      state.flush(setCurrentKey);
    }
  }

  /**
   * When more than the bound of keys are held: writes every held change and drops everything held (see {@link
   * WriteBackMapState#flushAndDrop}). Call it when no key context is in use.
   */
  public void dropAllIfOverBound(Consumer<K> setCurrentKey) throws Exception {
    int held = 0;
    for (WriteBackCache<K, ?> state : states) {
      held += state.heldKeys();
    }
    if (held > maxHeldKeys) {
      for (WriteBackCache<K, ?> state : states) {
        state.flushAndDrop(setCurrentKey);
      }
    }
  }

  @Override
  public <UK, UV> MapState<UK, UV> getMapState(MapStateDescriptor<UK, UV> descriptor) {
    if (descriptor.getTtlConfig().isEnabled()) {
      // Held entries would outlive their TTL: expiry stays the backend's.
      return store.getMapState(descriptor);
    }
    WriteBackMapState<K, UK, UV> map = new WriteBackMapState<>(store.getMapState(descriptor), currentKey, restored);
    states.add(map);
    return map;
  }

  @Override
  public <T> ValueState<T> getState(ValueStateDescriptor<T> descriptor) {
    if (descriptor.getTtlConfig().isEnabled()) {
      return store.getState(descriptor);
    }
    WriteBackKeyedValueState<K, T> value = new WriteBackKeyedValueState<>(store.getState(descriptor), currentKey, restored);
    states.add(value);
    return value;
  }

  @Override
  public <T> ListState<T> getListState(ListStateDescriptor<T> descriptor) {
    return store.getListState(descriptor);
  }

  @Override
  public <T> ReducingState<T> getReducingState(ReducingStateDescriptor<T> descriptor) {
    return store.getReducingState(descriptor);
  }

  @Override
  public <IN, ACC, OUT> AggregatingState<IN, OUT> getAggregatingState(
      AggregatingStateDescriptor<IN, ACC, OUT> descriptor) {
    return store.getAggregatingState(descriptor);
  }

  @Override
  public <T> org.apache.flink.api.common.state.v2.ValueState<T> getValueState(
      org.apache.flink.api.common.state.v2.ValueStateDescriptor<T> descriptor) {
    return store.getValueState(descriptor);
  }

  @Override
  public <T> org.apache.flink.api.common.state.v2.ListState<T> getListState(
      org.apache.flink.api.common.state.v2.ListStateDescriptor<T> descriptor) {
    return store.getListState(descriptor);
  }

  @Override
  public <UK, UV> org.apache.flink.api.common.state.v2.MapState<UK, UV> getMapState(
      org.apache.flink.api.common.state.v2.MapStateDescriptor<UK, UV> descriptor) {
    return store.getMapState(descriptor);
  }

  @Override
  public <T> org.apache.flink.api.common.state.v2.ReducingState<T> getReducingState(
      org.apache.flink.api.common.state.v2.ReducingStateDescriptor<T> descriptor) {
    return store.getReducingState(descriptor);
  }

  @Override
  public <IN, ACC, OUT> org.apache.flink.api.common.state.v2.AggregatingState<IN, OUT> getAggregatingState(
      org.apache.flink.api.common.state.v2.AggregatingStateDescriptor<IN, ACC, OUT> descriptor) {
    return store.getAggregatingState(descriptor);
  }

  @Override
  public String getBackendTypeIdentifier() {
    return store.getBackendTypeIdentifier();
  }
}
