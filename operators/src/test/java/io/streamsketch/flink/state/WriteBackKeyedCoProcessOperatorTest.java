package io.streamsketch.flink.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsketch.flink.join.AdCtrWindows;
import io.streamsketch.flink.join.UnmatchedClicks;
import io.streamsketch.model.AdCtr;
import io.streamsketch.model.ClickEvent;
import io.streamsketch.model.EventKind;
import io.streamsketch.model.ImpressionClick;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link WriteBackKeyedCoProcessOperator} against Flink's {@link KeyedCoProcessOperator}, both running {@link
 * AdCtrWindows} (a map state) over the same seeded, disordered impressions and clicked impressions of 30 ads with
 * watermarks, and both running {@link UnmatchedClicks} (two value states) over seeded clicks and pairs: the same
 * results through snapshots (some restored, some not) and, with a small bound, drops of everything held; nothing left
 * at the end. On RocksDB the function's map and value states are held in memory until a barrier.
 */
class WriteBackKeyedCoProcessOperatorTest {
  private static final long MINUTE = 60_000;

  static Stream<Arguments> configurations() {
    return WriteBackTests.backendsAndBounds(4, "keys");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("configurations")
  void countsAsFlinksOperatorThroughSnapshotsAndRestores(String name, Supplier<StateBackend> backend, int maxHeldKeys)
      throws Exception {
    List<String> ours = run(() -> new WriteBackKeyedCoProcessOperator<>(new AdCtrWindows(10 * MINUTE, MINUTE), maxHeldKeys), backend);
    List<String> flinks = run(() -> new KeyedCoProcessOperator<>(new AdCtrWindows(10 * MINUTE, MINUTE)), backend);
    assertThat(flinks).as("window results").hasSizeGreaterThan(100);
    assertThat(ours).containsExactlyInAnyOrderElementsOf(flinks);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("configurations")
  void findsTheSameUnmatchedClicksAsFlinksOperatorThroughSnapshotsAndRestores(
      String name, Supplier<StateBackend> backend, int maxHeldKeys) throws Exception {
    List<String> ours = runUnmatched(() -> new WriteBackKeyedCoProcessOperator<>(new UnmatchedClicks(), maxHeldKeys), backend);
    List<String> flinks = runUnmatched(() -> new KeyedCoProcessOperator<>(new UnmatchedClicks()), backend);
    assertThat(flinks).as("unmatched clicks").hasSizeGreaterThan(1_000);
    assertThat(ours).containsExactlyInAnyOrderElementsOf(flinks);
  }

  @Test
  void onRocksDbTheValueStatesAreWrittenAtTheBarrier() throws Exception {
    try (KeyedTwoInputStreamOperatorTestHarness<Long, ClickEvent, ImpressionClick, ClickEvent> harness =
        openUnmatched(() -> new WriteBackKeyedCoProcessOperator<>(new UnmatchedClicks(), 100), EmbeddedRocksDBStateBackend::new, null)) {
      ClickEvent click = click(7, impression(1, "a1", 1_000), 2_000);
      harness.processElement1(new StreamRecord<>(click, 2_000));
      harness.processElement2(new StreamRecord<>(new ImpressionClick(impression(1, "a1", 1_000), click), 2_000));
      harness.processElement1(new StreamRecord<>(click(8, impression(2, "a1", 1_000), 3_000), 3_000));
      assertThat(KeyedStateKeys.count(harness, "click")).as("clicks in RocksDB before the barrier").isZero();
      assertThat(KeyedStateKeys.count(harness, "matched")).as("matches in RocksDB before the barrier").isZero();
      harness.prepareSnapshotPreBarrier(1);
      assertThat(KeyedStateKeys.count(harness, "click")).as("clicks after it").isEqualTo(2);
      assertThat(KeyedStateKeys.count(harness, "matched")).as("matches after it").isEqualTo(1);
      harness.processBothWatermarks(new Watermark(Long.MAX_VALUE));
      assertThat(harness.extractOutputValues()).extracting(unmatched -> unmatched.eventId).containsExactly(8L);
      harness.prepareSnapshotPreBarrier(2);
      assertThat(KeyedStateKeys.count(harness, "click")).as("clicks at the end").isZero();
      assertThat(KeyedStateKeys.count(harness, "matched")).as("matches at the end").isZero();
    }
  }

  @Test
  void onRocksDbTheMapStateIsWrittenAtTheBarrier() throws Exception {
    try (KeyedTwoInputStreamOperatorTestHarness<String, ClickEvent, ImpressionClick, AdCtr> harness =
        open(() -> new WriteBackKeyedCoProcessOperator<>(new AdCtrWindows(10 * MINUTE, MINUTE), 100), EmbeddedRocksDBStateBackend::new, null)) {
      harness.processElement1(new StreamRecord<>(impression(1, "a1", 1_000), 1_000));
      harness.processElement1(new StreamRecord<>(impression(2, "a2", 2_000), 2_000));
      assertThat(KeyedStateKeys.count(harness, "windows")).as("keys in RocksDB before the barrier").isZero();
      harness.prepareSnapshotPreBarrier(1);
      assertThat(KeyedStateKeys.count(harness, "windows")).as("keys in RocksDB after it").isEqualTo(2);
      harness.processWatermark1(new Watermark(Long.MAX_VALUE));
      harness.processWatermark2(new Watermark(Long.MAX_VALUE));
      assertThat(harness.extractOutputValues()).hasSize(2);
      harness.prepareSnapshotPreBarrier(2);
      assertThat(KeyedStateKeys.count(harness, "windows")).as("keys in RocksDB at the end").isZero();
    }
  }

  private static ClickEvent impression(long id, String ad, long time) {
    return new ClickEvent(id, "u" + id % 50, "p1", EventKind.AD_IMPRESSION, ad, time);
  }

  private static ClickEvent click(long id, ClickEvent impression, long time) {
    return new ClickEvent(id, impression.userId, "p1", EventKind.AD_CLICK, impression.adId, time);
  }

  /**
   * Seeded clicks with watermarks, about half of them named by one or two pairs, which come before or after their
   * click and before event time reaches it, as the interval join emits them.
   */
  private static List<String> runUnmatched(
      Supplier<TwoInputStreamOperator<ClickEvent, ImpressionClick, ClickEvent>> operator, Supplier<StateBackend> backend)
      throws Exception {
    Random random = new Random(31);
    List<String> output = new ArrayList<>();
    KeyedTwoInputStreamOperatorTestHarness<Long, ClickEvent, ImpressionClick, ClickEvent> harness =
        openUnmatched(operator, backend, null);
    long maxTime = 1_704_067_200_000L;
    long watermark = Long.MIN_VALUE;
    for (int id = 0; id < 5_000; id++) {
      maxTime += random.nextInt(2_000);
      long time = maxTime - random.nextInt(30_000);
      if (time > watermark) {
        ClickEvent click = click(id, impression(id + 1_000_000, "a" + random.nextInt(30), time - 5_000), time);
        int pairs = random.nextInt(4) / 2;
        boolean pairsFirst = random.nextBoolean();
        if (!pairsFirst) {
          harness.processElement1(new StreamRecord<>(click, time));
        }
        for (int i = 0; i < pairs; i++) {
          ClickEvent impression = impression(id + 1_000_000 + i, click.adId, time - 5_000 - i);
          harness.processElement2(new StreamRecord<>(new ImpressionClick(impression, click), time));
        }
        if (pairsFirst) {
          harness.processElement1(new StreamRecord<>(click, time));
        }
      }
      if (maxTime - 40_000 > watermark + 5_000) {
        watermark = maxTime - 40_000;
        harness.processBothWatermarks(new Watermark(watermark));
      }
      OperatorSubtaskState snapshot = WriteBackTests.checkpoint(harness, id);
      if (snapshot != null) {
        harness.extractOutputValues().forEach(result -> output.add(result.toString()));
        harness.close();
        harness = openUnmatched(operator, backend, snapshot);
        harness.processBothWatermarks(new Watermark(watermark));
      }
    }
    harness.processBothWatermarks(new Watermark(Long.MAX_VALUE));
    WriteBackTests.flushAndAssertNothingLeft(harness, "click", "matched");
    harness.extractOutputValues().forEach(result -> output.add(result.toString()));
    harness.close();
    return output;
  }

  private static KeyedTwoInputStreamOperatorTestHarness<Long, ClickEvent, ImpressionClick, ClickEvent> openUnmatched(
      Supplier<TwoInputStreamOperator<ClickEvent, ImpressionClick, ClickEvent>> operator, Supplier<StateBackend> backend,
      OperatorSubtaskState restored) throws Exception {
    return WriteBackTests.opened(
        new KeyedTwoInputStreamOperatorTestHarness<>(operator.get(), click -> click.eventId, pair -> pair.clickId, Types.LONG), backend, restored);
  }

  private static List<String> run(
      Supplier<TwoInputStreamOperator<ClickEvent, ImpressionClick, AdCtr>> operator, Supplier<StateBackend> backend)
      throws Exception {
    Random random = new Random(23);
    List<String> output = new ArrayList<>();
    KeyedTwoInputStreamOperatorTestHarness<String, ClickEvent, ImpressionClick, AdCtr> harness = open(operator, backend, null);
    long maxTime = 1_704_067_200_000L;
    long watermark = Long.MIN_VALUE;
    for (int id = 0; id < 5_000; id++) {
      maxTime += random.nextInt(2_000);
      long time = maxTime - random.nextInt(30_000);
      ClickEvent impression = impression(id, "a" + random.nextInt(30), time);
      if (time > watermark) {
        harness.processElement1(new StreamRecord<>(impression, time));
        if (random.nextInt(4) == 0) {
          ClickEvent click = new ClickEvent(id + 1_000_000, impression.userId, "p1", EventKind.AD_CLICK, impression.adId, time + 1_000);
          harness.processElement2(new StreamRecord<>(new ImpressionClick(impression, click), time + 1_000));
        }
      }
      if (maxTime - 40_000 > watermark + 5_000) {
        watermark = maxTime - 40_000;
        harness.processWatermark1(new Watermark(watermark));
        harness.processWatermark2(new Watermark(watermark));
      }
      OperatorSubtaskState snapshot = WriteBackTests.checkpoint(harness, id);
      if (snapshot != null) {
        harness.extractOutputValues().forEach(result -> output.add(result.toString()));
        harness.close();
        harness = open(operator, backend, snapshot);
        harness.processWatermark1(new Watermark(watermark));
        harness.processWatermark2(new Watermark(watermark));
      }
    }
    harness.processWatermark1(new Watermark(Long.MAX_VALUE));
    harness.processWatermark2(new Watermark(Long.MAX_VALUE));
    WriteBackTests.flushAndAssertNothingLeft(harness, "windows");
    harness.extractOutputValues().forEach(result -> output.add(result.toString()));
    harness.close();
    return output;
  }

  private static KeyedTwoInputStreamOperatorTestHarness<String, ClickEvent, ImpressionClick, AdCtr> open(
      Supplier<TwoInputStreamOperator<ClickEvent, ImpressionClick, AdCtr>> operator, Supplier<StateBackend> backend,
      OperatorSubtaskState restored) throws Exception {
    return WriteBackTests.opened(
        new KeyedTwoInputStreamOperatorTestHarness<>(operator.get(), impression -> impression.adId, clicked -> clicked.adId, Types.STRING), backend, restored);
  }
}
