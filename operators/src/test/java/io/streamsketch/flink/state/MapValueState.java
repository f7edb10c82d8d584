package io.streamsketch.flink.state;

import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.state.ValueState;

/**
 * A keyed value state over a map, with the current key set from outside as the keyed backend does; it counts its
 * reads and writes.
 */
final class MapValueState<V> implements ValueState<V> {
  final Map<String, V> values = new HashMap<>();
  String currentKey;
  int reads;
  int writes;

  @Override
  public V value() {
    reads++;
    return values.get(currentKey);
  }

  @Override
  public void update(V value) {
    writes++;
    values.put(currentKey, value);
  }

  @Override
  public void clear() {
    writes++;
    values.remove(currentKey);
  }
}
