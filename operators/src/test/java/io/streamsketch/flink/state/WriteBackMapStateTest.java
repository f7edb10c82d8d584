package io.streamsketch.flink.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import org.apache.flink.api.common.state.MapState;
import org.junit.jupiter.api.Test;

/** {@link WriteBackMapState} over an in-memory keyed map state that counts how often it is read. */
class WriteBackMapStateTest {
  /** Keyed map state: key → map, the key set by the test, as a keyed backend does. */
  private static final class KeyedMaps implements MapState<String, Integer> {
    final Map<String, Map<String, Integer>> maps = new HashMap<>();
    String key;
    int reads;

    private Map<String, Integer> map() {
      return maps.getOrDefault(key, Map.of());
    }

    private Map<String, Integer> changing() {
      return maps.computeIfAbsent(key, k -> new HashMap<>());
    }

    @Override
    public Integer get(String userKey) {
      reads++;
      return map().get(userKey);
    }

    @Override
    public void put(String userKey, Integer value) {
      changing().put(userKey, value);
    }

    @Override
    public void putAll(Map<String, Integer> values) {
      changing().putAll(values);
    }

    @Override
    public void remove(String userKey) {
      changing().remove(userKey);
      if (changing().isEmpty()) {
        maps.remove(key);
      }
    }

    @Override
    public boolean contains(String userKey) {
      reads++;
      return map().containsKey(userKey);
    }

    @Override
    public Iterable<Map.Entry<String, Integer>> entries() {
      reads++;
      return Map.copyOf(map()).entrySet();
    }

    @Override
    public Iterable<String> keys() {
      reads++;
      return Map.copyOf(map()).keySet();
    }

    @Override
    public Iterable<Integer> values() {
      reads++;
      return Map.copyOf(map()).values();
    }

    @Override
    public Iterator<Map.Entry<String, Integer>> iterator() {
      return entries().iterator();
    }

    @Override
    public boolean isEmpty() {
      reads++;
      return map().isEmpty();
    }

    @Override
    public void clear() {
      maps.remove(key);
    }
  }

  private final KeyedMaps state = new KeyedMaps();

  private WriteBackMapState<String, String, Integer> writeBack(boolean restored) {
    return new WriteBackMapState<>(state, () -> state.key, restored);
  }

  @Test
  void readsOfKeysWithoutEntriesHoldNothingAndReadNothingInANewRun() throws Exception {
    WriteBackMapState<String, String, Integer> maps = writeBack(false);
    for (int i = 0; i < 1_000; i++) {
      state.key = "k" + i;
      assertThat(maps.entries()).isEmpty();
      assertThat(maps.get("a")).isNull();
      assertThat(maps.isEmpty()).isTrue();
      maps.remove("a");
    }
    assertThat(maps.heldKeys()).isZero();
    assertThat(state.reads).as("reads of the state").isZero();
  }

  @Test
  void changesReachTheStateAtAFlushAndAnEmptiedKeyIsForgotten() throws Exception {
    WriteBackMapState<String, String, Integer> maps = writeBack(false);
    state.key = "k1";
    maps.put("a", 1);
    maps.put("b", 2);
    assertThat(state.maps).as("before the flush").isEmpty();
    maps.flush(key -> state.key = key);
    assertThat(state.maps).containsEntry("k1", Map.of("a", 1, "b", 2));

    state.key = "k1";
    maps.remove("a");
    maps.remove("b");
    assertThat(maps.isEmpty()).isTrue();
    assertThat(maps.heldKeys()).as("deletes still to write").isEqualTo(1);
    maps.flush(key -> state.key = key);
    assertThat(state.maps).isEmpty();
    assertThat(maps.heldKeys()).isZero();

    state.key = "k2";
    maps.put("c", 3);
    maps.remove("c");
    assertThat(maps.heldKeys()).as("never written, forgotten at once").isZero();
  }

  @Test
  void afterARestoreAKeyWithEntriesIsReadOnceAndOneWithoutIsNotHeld() throws Exception {
    state.key = "k1";
    state.put("a", 1);
    WriteBackMapState<String, String, Integer> maps = writeBack(true);
    assertThat(maps.get("a")).isEqualTo(1);
    assertThat(maps.contains("a")).isTrue();
    assertThat(state.reads).as("one read of the state").isEqualTo(1);
    state.key = "k2";
    assertThat(maps.get("a")).isNull();
    assertThat(maps.heldKeys()).as("k1 only").isEqualTo(1);

    state.key = "k1";
    maps.remove("a");
    maps.flush(key -> state.key = key);
    assertThat(state.maps).as("the restored entry deleted").isEmpty();
  }

  @Test
  void afterADropKeysAreReadFromTheStateAgain() throws Exception {
    WriteBackMapState<String, String, Integer> maps = writeBack(false);
    state.key = "k1";
    maps.put("a", 1);
    maps.flushAndDrop(key -> state.key = key);
    assertThat(maps.heldKeys()).isZero();
    state.key = "k1";
    assertThat(maps.get("a")).isEqualTo(1);
    maps.put("a", 2);
    maps.flush(key -> state.key = key);
    assertThat(state.maps).containsEntry("k1", Map.of("a", 2));
  }
}
