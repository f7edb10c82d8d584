package io.streamsketch.flink.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.junit.jupiter.params.provider.Arguments;

/** The configurations a write-back test runs in: each state backend with a large and with a small bound. */
public final class WriteBackTests {
  private WriteBackTests() {}

  /**
   * Arguments (name, backend, bound): RocksDB, where write-back holds state, and the heap, where it does not, each
   * with a bound too large to reach and with {@code smallBound}, which the test's input exceeds often.
   *
   * @param held what the bound counts, for the test's name ("keys", "timers")
   */
  public static Stream<Arguments> backendsAndBounds(int smallBound, String held) {
    List<Supplier<StateBackend>> backends = List.of(EmbeddedRocksDBStateBackend::new, HashMapStateBackend::new);
    return backends.stream()
        .flatMap(
            backend ->
                Stream.of(10_000, smallBound)
                    .map(bound -> Arguments.of(backend.get().getClass().getSimpleName() + ", " + bound + " " + held + " held", backend, bound)));
  }

  /**
   * The checkpoint after element {@code id}: at 300 of every 1,000 one that is not restored, at 999 one to restore
   * from, which is returned; else none (null). Each is taken as the task takes it: {@code prepareSnapshotPreBarrier}
   * first, which the harness does not call.
   */
  public static OperatorSubtaskState checkpoint(AbstractStreamOperatorTestHarness<?> harness, int id) throws Exception {
    if (id % 1_000 == 300) {
      harness.prepareSnapshotPreBarrier(id);
      harness.snapshot(id, id);
    } else if (id % 1_000 == 999) {
      harness.prepareSnapshotPreBarrier(id);
      return harness.snapshot(id, id);
    }
    return null;
  }

  /** Opens {@code harness} on {@code backend}, restored from {@code restored} unless it is null. */
  public static <H extends AbstractStreamOperatorTestHarness<?>> H opened(
      H harness, Supplier<StateBackend> backend, OperatorSubtaskState restored) throws Exception {
    harness.setStateBackend(backend.get());
    if (restored != null) {
      harness.initializeState(restored);
    }
    harness.open();
    return harness;
  }

  /**
   * The end of a run, after its last watermark: the last barrier's flush, then nothing left in the operator's keyed
   * {@code states} and no event-time timer.
   */
  public static void flushAndAssertNothingLeft(AbstractStreamOperatorTestHarness<?> harness, String... states)
      throws Exception {
    harness.prepareSnapshotPreBarrier(Long.MAX_VALUE);
    for (String state : states) {
      assertThat(KeyedStateKeys.count(harness, state)).as("keys of " + state).isZero();
    }
    assertThat(harness.numEventTimeTimers()).as("event-time timers").isZero();
  }
}
