package io.streamsketch.flink.join;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsketch.flink.state.KeyedStateKeys;
import io.streamsketch.flink.state.WriteBackTests;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.functions.co.ProcessJoinFunction;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.api.operators.co.IntervalJoinOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link WriteBackIntervalJoinOperator} against Flink's {@link IntervalJoinOperator}, fed the same seeded stream of
 * disordered left and right elements of 20 keys with watermarks: the same joined pairs with the same timestamps,
 * through snapshots (some restored, some not) and, with a small bound, drops of everything held; nothing left at the
 * end.
 */
class WriteBackIntervalJoinOperatorTest {
  private static final long LOWER = -2_000;
  private static final long UPPER = 10_000;

  static Stream<Arguments> configurations() {
    return WriteBackTests.backendsAndBounds(3, "keys");
  }

  /** Joins "key:id" elements into "left|right@timestamp". */
  private static final class Pair extends ProcessJoinFunction<String, String, String> {
    @Override
    public void processElement(String left, String right, Context context, Collector<String> out) {
      out.collect(left + "|" + right + "@" + context.getTimestamp());
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("configurations")
  void joinsAsFlinksIntervalJoinThroughSnapshotsAndRestores(String name, Supplier<StateBackend> backend, int maxHeldKeys)
      throws Exception {
    List<String> ours =
        run(() -> new WriteBackIntervalJoinOperator<>(LOWER, UPPER, StringSerializer.INSTANCE, StringSerializer.INSTANCE, new Pair(), maxHeldKeys), backend);
    List<String> flinks =
        run(() -> new IntervalJoinOperator<>(LOWER, UPPER, true, true, null, null, StringSerializer.INSTANCE, StringSerializer.INSTANCE, new Pair()), backend);
    assertThat(flinks).as("pairs").hasSizeGreaterThan(1_000);
    assertThat(ours).containsExactlyInAnyOrderElementsOf(flinks);
  }

  @Test
  void onRocksDbTheBuffersAndTimersAreWrittenAtTheBarrier() throws Exception {
    KeyedTwoInputStreamOperatorTestHarness<String, String, String, String> harness =
        open(() -> new WriteBackIntervalJoinOperator<>(LOWER, UPPER, StringSerializer.INSTANCE, StringSerializer.INSTANCE, new Pair(), 100), EmbeddedRocksDBStateBackend::new, null);
    harness.processElement1(new StreamRecord<>("k1:1", 1_000));
    harness.processElement2(new StreamRecord<>("k1:2", 2_000));
    assertThat(harness.extractOutputValues()).containsExactly("k1:1|k1:2@2000");
    assertThat(KeyedStateKeys.count(harness, "LEFT_BUFFER") + KeyedStateKeys.count(harness, "RIGHT_BUFFER")).as("keys in RocksDB before the barrier").isZero();
    assertThat(harness.numEventTimeTimers()).as("timers in RocksDB before the barrier").isZero();
    harness.prepareSnapshotPreBarrier(1);
    assertThat(KeyedStateKeys.count(harness, "LEFT_BUFFER") + KeyedStateKeys.count(harness, "RIGHT_BUFFER")).as("keys in RocksDB after it").isEqualTo(2);
    assertThat(harness.numEventTimeTimers()).as("cleanup timers in RocksDB after it").isEqualTo(2);
    harness.processWatermark1(new Watermark(20_000));
    harness.processWatermark2(new Watermark(20_000));
    assertThat(harness.numEventTimeTimers()).as("timers after the cleanup").isZero();
    harness.prepareSnapshotPreBarrier(2);
    assertThat(KeyedStateKeys.count(harness, "LEFT_BUFFER") + KeyedStateKeys.count(harness, "RIGHT_BUFFER")).as("keys after the cleanup and the next barrier").isZero();
    harness.close();
  }

  private static List<String> run(Supplier<TwoInputStreamOperator<String, String, String>> operator, Supplier<StateBackend> backend)
      throws Exception {
    Random random = new Random(21);
    List<String> output = new ArrayList<>();
    KeyedTwoInputStreamOperatorTestHarness<String, String, String, String> harness = open(operator, backend, null);
    long maxTime = 1_000_000;
    long watermark = Long.MIN_VALUE;
    for (int id = 0; id < 5_000; id++) {
      maxTime += random.nextInt(300);
      long time = maxTime - random.nextInt(3_000);
      String element = "k" + random.nextInt(20) + ":" + id;
      if (random.nextInt(3) == 0) {
        harness.processElement1(new StreamRecord<>(element, time));
      } else {
        harness.processElement2(new StreamRecord<>(element, time));
      }
      if (maxTime - 2_000 > watermark + 500) {
        watermark = maxTime - 2_000;
        harness.processWatermark1(new Watermark(watermark));
        harness.processWatermark2(new Watermark(watermark));
      }
      OperatorSubtaskState snapshot = WriteBackTests.checkpoint(harness, id);
      if (snapshot != null) {
        output.addAll(harness.extractOutputValues());
        harness.close();
        harness = open(operator, backend, snapshot);
        harness.processWatermark1(new Watermark(watermark));
        harness.processWatermark2(new Watermark(watermark));
      }
    }
    harness.processWatermark1(new Watermark(Long.MAX_VALUE));
    harness.processWatermark2(new Watermark(Long.MAX_VALUE));
    harness.prepareSnapshotPreBarrier(Long.MAX_VALUE);
    output.addAll(harness.extractOutputValues());
    for (String buffer : List.of("LEFT_BUFFER", "RIGHT_BUFFER")) {
      assertThat(KeyedStateKeys.count(harness, buffer)).as("keys of %s", buffer).isZero();
    }
    assertThat(harness.numEventTimeTimers()).as("event-time timers").isZero();
    harness.close();
    return output;
  }

  private static KeyedTwoInputStreamOperatorTestHarness<String, String, String, String> open(
      Supplier<TwoInputStreamOperator<String, String, String>> operator, Supplier<StateBackend> backend, OperatorSubtaskState restored)
      throws Exception {
    KeyedTwoInputStreamOperatorTestHarness<String, String, String, String> harness =
        new KeyedTwoInputStreamOperatorTestHarness<>(
            operator.get(), element -> element.substring(0, element.indexOf(':')), element -> element.substring(0, element.indexOf(':')), Types.STRING);
    harness.setStateBackend(backend.get());
    if (restored != null) {
      harness.initializeState(restored);
    }
    harness.open();
    return harness;
  }
}
