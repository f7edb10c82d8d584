package io.streamsketch.flink.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WriteBackValueStateTest {
  private final MapValueState<String> state = new MapValueState<>();
  private long now = 1_000;

  @Test
  void writesStayInMemoryUntilAFlushWritesEachUnderItsKey() throws Exception {
    state.values.put("a", "stored-a");
    state.values.put("b", "stored-b");
    WriteBackValueState<String, String> held = new WriteBackValueState<>(state, Duration.ZERO, () -> now);
    state.currentKey = "a";
    assertThat(held.value("a")).isEqualTo("stored-a");
    held.update("a", "a1");
    held.update("a", "a2");
    assertThat(held.value("a")).isEqualTo("a2");
    state.currentKey = "b";
    held.clear("b");
    assertThat(held.value("b")).isNull();
    state.currentKey = "c";
    held.update("c", "c1");
    assertThat(state.reads).isEqualTo(1);
    assertThat(state.writes).isZero();
    assertThat(held.heldKeys()).isEqualTo(3);

    held.flush(key -> state.currentKey = key);
    assertThat(state.values).containsExactlyInAnyOrderEntriesOf(Map.of("a", "a2", "c", "c1"));
    assertThat(state.writes).isEqualTo(3);
    assertThat(held.heldKeys()).isZero();
    state.currentKey = "a";
    assertThat(held.value("a")).isEqualTo("a2");
  }

  @Test
  void aHeldValueOlderThanTheTtlIsReadFromTheStateWhichAppliesIt() throws Exception {
    WriteBackValueState<String, String> held = new WriteBackValueState<>(state, Duration.ofMillis(100), () -> now);
    state.currentKey = "a";
    held.update("a", "a1");
    now += 99;
    assertThat(held.value("a")).isEqualTo("a1");
    now += 1;
    assertThat(held.value("a")).as("expired: the state's (here empty) value").isNull();
    assertThat(held.heldKeys()).isZero();
  }
}
