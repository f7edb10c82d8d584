package io.streamsketch.flink.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link WriteBackKeyedValueState} over an in-memory keyed value state that counts its reads and writes. */
class WriteBackKeyedValueStateTest {
  private final MapValueState<Integer> state = new MapValueState<>();

  private WriteBackKeyedValueState<String, Integer> writeBack(boolean restored) {
    return new WriteBackKeyedValueState<>(state, () -> state.currentKey, restored);
  }

  @Test
  void readsAndClearsOfKeysWithoutValuesHoldNothingAndTouchNothingInANewRun() throws Exception {
    WriteBackKeyedValueState<String, Integer> values = writeBack(false);
    for (int i = 0; i < 1_000; i++) {
      state.currentKey = "k" + i;
      assertThat(values.value()).isNull();
      values.clear();
    }
    values.flush(key -> state.currentKey = key);
    assertThat(values.heldKeys()).isZero();
    assertThat(state.reads).as("reads of the state").isZero();
    assertThat(state.writes).as("writes to the state").isZero();
  }

  @Test
  void changesReachTheStateAtAFlushAndAClearedKeyIsForgotten() throws Exception {
    WriteBackKeyedValueState<String, Integer> values = writeBack(false);
    state.currentKey = "k1";
    values.update(1);
    values.update(2);
    assertThat(values.value()).isEqualTo(2);
    assertThat(state.values).as("before the flush").isEmpty();
    values.flush(key -> state.currentKey = key);
    assertThat(state.values).isEqualTo(Map.of("k1", 2));
    assertThat(state.writes).as("one write for two updates").isEqualTo(1);
    values.flush(key -> state.currentKey = key);
    assertThat(state.writes).as("nothing changed since").isEqualTo(1);

    state.currentKey = "k1";
    values.clear();
    assertThat(values.value()).isNull();
    assertThat(values.heldKeys()).as("a delete still to write").isEqualTo(1);
    values.flush(key -> state.currentKey = key);
    assertThat(state.values).isEmpty();
    assertThat(values.heldKeys()).isZero();

    state.currentKey = "k2";
    values.update(3);
    values.update(null);
    assertThat(values.heldKeys()).as("never written, forgotten at once; an update to null clears").isZero();
    assertThat(state.reads).as("reads of the state").isZero();
  }

  @Test
  void afterARestoreAKeyWithAValueIsReadOnceAndOneWithoutIsNotHeld() throws Exception {
    state.currentKey = "k1";
    state.values.put("k1", 1);
    state.values.put("k3", 3);
    WriteBackKeyedValueState<String, Integer> values = writeBack(true);
    assertThat(values.value()).isEqualTo(1);
    assertThat(values.value()).isEqualTo(1);
    assertThat(state.reads).as("one read of the state").isEqualTo(1);
    state.currentKey = "k2";
    assertThat(values.value()).isNull();
    assertThat(values.heldKeys()).as("k1 only").isEqualTo(1);

    state.currentKey = "k1";
    values.clear();
    // Cleared without a read: the restored value is deleted all the same.
    state.currentKey = "k3";
    values.clear();
    values.flush(key -> state.currentKey = key);
    assertThat(state.values).as("the restored values deleted").isEmpty();
  }

  @Test
  void afterARestoreAnUpdateWithoutAReadOverwritesTheStoredValue() throws Exception {
    state.currentKey = "k1";
    state.values.put("k1", 1);
    WriteBackKeyedValueState<String, Integer> values = writeBack(true);
    values.update(5);
    values.clear();
    values.flush(key -> state.currentKey = key);
    assertThat(state.values).as("the value stored before the restore is deleted, not left").isEmpty();
  }

  @Test
  void afterADropKeysAreReadFromTheStateAgain() throws Exception {
    WriteBackKeyedValueState<String, Integer> values = writeBack(false);
    state.currentKey = "k1";
    values.update(1);
    values.flushAndDrop(key -> state.currentKey = key);
    assertThat(values.heldKeys()).isZero();
    state.currentKey = "k1";
    assertThat(values.value()).isEqualTo(1);
    values.update(2);
    values.flush(key -> state.currentKey = key);
    assertThat(state.values).isEqualTo(Map.of("k1", 2));
  }
}
