package io.streamsketch.flink.join;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsketch.flink.io.SideOutputs;
import io.streamsketch.model.AdCtr;
import io.streamsketch.model.ClickEvent;
import io.streamsketch.model.EventKind;
import io.streamsketch.model.ImpressionClick;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/** The ctr job's operators, one by one; {@code CtrJobIT} checks them together against an exact computation. */
class CtrOperatorsTest {
  private static final long MINUTE = 60_000;
  private static final long HOUR = 60 * MINUTE;
  private static final long WITHIN = 10 * MINUTE;

  private static ClickEvent impression(long id, long time) {
    return new ClickEvent(id, "u1", "p1", EventKind.AD_IMPRESSION, "ad1", time);
  }

  private static ClickEvent click(long id, long time) {
    return new ClickEvent(id, "u1", "p1", EventKind.AD_CLICK, "ad1", time);
  }

  @Test
  void routerSplitsImpressionsClicksAndLateAdEventsAndIgnoresViews() throws Exception {
    try (OneInputStreamOperatorTestHarness<ClickEvent, ClickEvent> harness =
        ProcessFunctionTestHarnesses.forProcessFunction(new AdEventRouter())) {
      harness.processWatermark(new Watermark(10_000));
      harness.processElement(impression(1, 20_000), 20_000);
      harness.processElement(click(2, 21_000), 21_000);
      harness.processElement(impression(3, 10_000), 10_000); // at the watermark: late
      harness.processElement(new ClickEvent(4, "u1", "p1", EventKind.VIEW, null, 5_000), 5_000);

      assertThat(harness.extractOutputValues()).containsExactly(impression(1, 20_000));
      assertThat(harness.getSideOutput(AdEventRouter.CLICKS))
          .extracting(StreamRecord::getValue)
          .containsExactly(click(2, 21_000));
      assertThat(harness.getSideOutput(SideOutputs.LATE_EVENTS))
          .extracting(StreamRecord::getValue)
          .containsExactly(impression(3, 10_000));
    }
  }

  @Test
  void anImpressionWithSeveralClicksCountsOnceAndItsStateIsClearedAfterTheInterval() throws Exception {
    try (KeyedOneInputStreamOperatorTestHarness<Long, ImpressionClick, ImpressionClick> harness =
        new KeyedOneInputStreamOperatorTestHarness<>(
            new KeyedProcessOperator<>(new FirstClickPerImpression(WITHIN)), pair -> pair.impressionId, Types.LONG)) {
      harness.open();
      ImpressionClick first = new ImpressionClick(impression(1, 0), click(2, MINUTE));
      harness.processElement(first, MINUTE);
      harness.processElement(new ImpressionClick(impression(1, 0), click(3, 2 * MINUTE)), 2 * MINUTE);
      assertThat(harness.extractOutputValues()).containsExactly(first);

      harness.processWatermark(new Watermark(WITHIN));
      assertThat(harness.numKeyedStateEntries()).isZero();
    }
  }

  @Test
  void aClickIsUnmatchedWhenEventTimeReachesItWithoutAPairNamingIt() throws Exception {
    try (KeyedTwoInputStreamOperatorTestHarness<Long, ClickEvent, ImpressionClick, ClickEvent> harness =
        new KeyedTwoInputStreamOperatorTestHarness<>(
            new KeyedCoProcessOperator<>(new UnmatchedClicks()), c -> c.eventId, pair -> pair.clickId, Types.LONG)) {
      harness.open();
      harness.processElement1(click(2, 5_000), 5_000);
      harness.processElement1(click(3, 6_000), 6_000);
      // A pair may come before or after its click; either way the click is matched.
      harness.processElement2(new ImpressionClick(impression(1, 4_000), click(3, 6_000)), 6_000);
      harness.processElement2(new ImpressionClick(impression(1, 4_000), click(4, 7_000)), 7_000);
      harness.processElement1(click(4, 7_000), 7_000);

      harness.processBothWatermarks(new Watermark(5_999));
      assertThat(harness.extractOutputValues()).containsExactly(click(2, 5_000));
      harness.processBothWatermarks(new Watermark(Long.MAX_VALUE));
      assertThat(harness.extractOutputValues()).containsExactly(click(2, 5_000));
      assertThat(harness.numKeyedStateEntries()).isZero();
    }
  }

  @Test
  void aWindowReportsAllImpressionsAndTheClickedOnesOnceTheJoinIntervalHasPassedItsEnd() throws Exception {
    try (KeyedTwoInputStreamOperatorTestHarness<String, ClickEvent, ImpressionClick, AdCtr> harness =
        new KeyedTwoInputStreamOperatorTestHarness<>(
            new KeyedCoProcessOperator<>(new AdCtrWindows(HOUR, WITHIN)), i -> i.adId, c -> c.adId, Types.STRING)) {
      harness.open();
      for (int i = 1; i <= 4; i++) {
        harness.processElement1(impression(i, HOUR - i * MINUTE), HOUR - i * MINUTE);
      }
      harness.processElement1(impression(5, HOUR), HOUR); // the next window
      // The impression at 59 min, clicked at 1 h 5 min: after its window's end, within the interval.
      ImpressionClick clickedAfterTheEnd =
          new ImpressionClick(impression(1, HOUR - MINUTE), click(9, HOUR + 5 * MINUTE));
      harness.processElement2(clickedAfterTheEnd, HOUR + 5 * MINUTE);

      harness.processBothWatermarks(new Watermark(HOUR + WITHIN - 2));
      assertThat(harness.extractOutputValues()).isEmpty();
      harness.processBothWatermarks(new Watermark(HOUR + WITHIN - 1));
      assertThat(harness.extractOutputValues()).containsExactly(new AdCtr("ad1", 0, HOUR, 4, 1));
      assertThat(harness.extractOutputValues().get(0).ctr).isEqualTo(0.25);

      harness.processBothWatermarks(new Watermark(Long.MAX_VALUE));
      assertThat(harness.extractOutputValues()).endsWith(new AdCtr("ad1", HOUR, 2 * HOUR, 1, 0));
      assertThat(harness.numKeyedStateEntries()).isZero();
    }
  }
}
