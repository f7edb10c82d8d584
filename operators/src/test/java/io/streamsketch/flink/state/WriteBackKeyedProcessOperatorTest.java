package io.streamsketch.flink.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsketch.flink.join.FirstClickPerImpression;
import io.streamsketch.model.ClickEvent;
import io.streamsketch.model.EventKind;
import io.streamsketch.model.ImpressionClick;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link WriteBackKeyedProcessOperator} running a function written for Flink's own state ({@link
 * FirstClickPerImpression}, a value state and a timer per key) against Flink's {@link KeyedProcessOperator}: the same
 * seeded, disordered pairs with watermarks give the same output through snapshots (some restored, some not) and, with a
 * small bound, drops of everything held; nothing is left at the end. On RocksDB the value state is held in memory
 * until a barrier.
 */
class WriteBackKeyedProcessOperatorTest {
  private static final long WITHIN = 60_000;

  static Stream<Arguments> configurations() {
    return WriteBackTests.backendsAndBounds(4, "keys");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("configurations")
  void passesTheSameFirstPairsAsFlinksOperatorThroughSnapshotsAndRestores(
      String name, Supplier<StateBackend> backend, int maxHeldKeys) throws Exception {
    List<String> ours = run(() -> new WriteBackKeyedProcessOperator<>(new FirstClickPerImpression(WITHIN), maxHeldKeys), backend);
    List<String> flinks = run(() -> new KeyedProcessOperator<>(new FirstClickPerImpression(WITHIN)), backend);
    assertThat(flinks).as("first pairs").hasSizeGreaterThan(1_000);
    assertThat(ours).containsExactlyInAnyOrderElementsOf(flinks);
  }

  @Test
  void onRocksDbTheValueStateIsWrittenAtTheBarrierAndClearedKeysAreNeverWritten() throws Exception {
    try (KeyedOneInputStreamOperatorTestHarness<Long, ImpressionClick, ImpressionClick> harness =
        open(() -> new WriteBackKeyedProcessOperator<>(new FirstClickPerImpression(WITHIN), 100), EmbeddedRocksDBStateBackend::new, null)) {
      harness.processElement(new StreamRecord<>(pair(1, 1_000, 2_000), 2_000));
      harness.processElement(new StreamRecord<>(pair(2, 1_500, 3_000), 3_000));
      assertThat(KeyedStateKeys.count(harness, "seen")).as("keys in RocksDB before the barrier").isZero();
      harness.prepareSnapshotPreBarrier(1);
      assertThat(KeyedStateKeys.count(harness, "seen")).as("keys in RocksDB after it").isEqualTo(2);

      harness.processElement(new StreamRecord<>(pair(3, 90_000, 91_000), 91_000));
      harness.processWatermark(new Watermark(Long.MAX_VALUE));
      assertThat(harness.extractOutputValues()).hasSize(3);
      assertThat(KeyedStateKeys.count(harness, "seen")).as("deletes wait for the barrier").isEqualTo(2);
      harness.prepareSnapshotPreBarrier(2);
      assertThat(KeyedStateKeys.count(harness, "seen")).as("keys in RocksDB at the end").isZero();
      assertThat(harness.numEventTimeTimers()).isZero();
    }
  }

  /** Keeps the last element per key in a value state with a TTL. */
  private static final class LastWithTtl extends KeyedProcessFunction<Long, ImpressionClick, ImpressionClick> {
    private transient ValueState<ImpressionClick> last;

    @Override
    public void open(OpenContext openContext) {
      ValueStateDescriptor<ImpressionClick> descriptor = new ValueStateDescriptor<>("last", ImpressionClick.class);
      descriptor.enableTimeToLive(StateTtlConfig.newBuilder(Duration.ofHours(1)).build());
      last = getRuntimeContext().getState(descriptor);
    }

    @Override
    public void processElement(ImpressionClick pair, Context ctx, Collector<ImpressionClick> out) throws Exception {
      last.update(pair);
    }
  }

  @Test
  void aStateWithATtlIsNotHeldSoThatItStillExpires() throws Exception {
    try (KeyedOneInputStreamOperatorTestHarness<Long, ImpressionClick, ImpressionClick> harness =
        open(() -> new WriteBackKeyedProcessOperator<>(new LastWithTtl(), 100), EmbeddedRocksDBStateBackend::new, null)) {
      harness.processElement(new StreamRecord<>(pair(1, 1_000, 2_000), 2_000));
      assertThat(KeyedStateKeys.count(harness, "last")).as("keys in RocksDB before any barrier").isEqualTo(1);
    }
  }

  private static ImpressionClick pair(long impressionId, long impressionTime, long clickTime) {
    ClickEvent impression =
        new ClickEvent(impressionId, "u" + impressionId % 50, "p1", EventKind.AD_IMPRESSION, "a1", impressionTime);
    ClickEvent click =
        new ClickEvent(impressionId + 1_000_000, impression.userId, "p1", EventKind.AD_CLICK, "a1", clickTime);
    return new ImpressionClick(impression, click);
  }

  private static List<String> run(
      Supplier<OneInputStreamOperator<ImpressionClick, ImpressionClick>> operator, Supplier<StateBackend> backend)
      throws Exception {
    Random random = new Random(29);
    List<String> output = new ArrayList<>();
    KeyedOneInputStreamOperatorTestHarness<Long, ImpressionClick, ImpressionClick> harness = open(operator, backend, null);
    long maxTime = 1_704_067_200_000L;
    long watermark = Long.MIN_VALUE;
    long[] impressionTimes = new long[5_000];
    for (int id = 0; id < 5_000; id++) {
      maxTime += random.nextInt(2_000);
      impressionTimes[id] = maxTime - WITHIN / 2 - random.nextInt(10_000);
      // Impressions clicked one to three times within the interval; some clicks are of one of the last impressions.
      int impressionId = random.nextInt(4) == 0 && id > 10 ? id - 1 - random.nextInt(10) : id;
      long impressionTime = impressionTimes[impressionId];
      for (int clicks = 1 + random.nextInt(3); clicks > 0; clicks--) {
        long clickTime = impressionTime + random.nextInt((int) WITHIN + 1);
        if (clickTime > watermark) {
          harness.processElement(new StreamRecord<>(pair(impressionId, impressionTime, clickTime), clickTime));
        }
      }
      if (maxTime - 40_000 > watermark + 5_000) {
        watermark = maxTime - 40_000;
        harness.processWatermark(new Watermark(watermark));
      }
      OperatorSubtaskState snapshot = WriteBackTests.checkpoint(harness, id);
      if (snapshot != null) {
        harness.extractOutputValues().forEach(result -> output.add(result.toString()));
        harness.close();
        harness = open(operator, backend, snapshot);
        harness.processWatermark(new Watermark(watermark));
      }
    }
    harness.processWatermark(new Watermark(Long.MAX_VALUE));
    WriteBackTests.flushAndAssertNothingLeft(harness, "seen");
    harness.extractOutputValues().forEach(result -> output.add(result.toString()));
    harness.close();
    return output;
  }

  private static KeyedOneInputStreamOperatorTestHarness<Long, ImpressionClick, ImpressionClick> open(
      Supplier<OneInputStreamOperator<ImpressionClick, ImpressionClick>> operator, Supplier<StateBackend> backend,
      OperatorSubtaskState restored) throws Exception {
    return WriteBackTests.opened(
        new KeyedOneInputStreamOperatorTestHarness<>(operator.get(), pair -> pair.impressionId, Types.LONG), backend, restored);
  }
}
