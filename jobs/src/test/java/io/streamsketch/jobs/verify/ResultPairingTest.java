package io.streamsketch.jobs.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsketch.jobs.testing.OperatorHarnesses;
import io.streamsketch.model.PageWindowCount;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The pairing of results with verify checks on a test harness, with {@link PageWindowCount} as the result (its views
 * become the paired check's event count) for a 1 min window and 1 min allowed lateness: cleanup at 2 min - 1 ms.
 * After each case no state and no timer are left.
 */
class ResultPairingTest {
  private static final long MINUTE = 60_000;
  private static final long CLEANUP = 2 * MINUTE - 1;

  private KeyedTwoInputStreamOperatorTestHarness<String, PageWindowCount, CheckFiring, PageWindowCount> harness;

  /** Fills in a result's views from the check, so the output shows which check each result was paired with. */
  private static final class CountPairing extends ResultPairing<PageWindowCount> {
    private static final long serialVersionUID = 1L;

    CountPairing() {
      super(TypeInformation.of(PageWindowCount.class), MINUTE);
    }

    @Override
    protected int firing(PageWindowCount result) {
      return result.firing;
    }

    @Override
    protected void setFiring(PageWindowCount result, int firing) {
      result.firing = firing;
    }

    @Override
    protected long windowEnd(PageWindowCount result) {
      return result.windowEnd;
    }

    @Override
    protected PageWindowCount enrich(PageWindowCount result, WindowCheck check) {
      return new PageWindowCount(result.pageId, result.windowStart, result.windowEnd, check.events, result.firing);
    }
  }

  @BeforeEach
  void open() throws Exception {
    harness =
        new KeyedTwoInputStreamOperatorTestHarness<>(
            new KeyedCoProcessOperator<>(new CountPairing()),
            result -> ResultPairing.pairingKey(result.windowStart, result.pageId),
            check -> ResultPairing.pairingKey(check.windowStart, check.key),
            Types.STRING);
    harness.open();
  }

  @AfterEach
  void nothingIsLeft() throws Exception {
    OperatorHarnesses.assertNothingLeft(harness);
    harness.close();
  }

  private void result(int firing) throws Exception {
    harness.processElement1(new StreamRecord<>(new PageWindowCount("p1", 0, MINUTE, -1, firing), MINUTE - 1));
  }

  private void check(int firing, long events) throws Exception {
    WindowCheck check = new WindowCheck();
    check.events = events;
    harness.processElement2(new StreamRecord<>(new CheckFiring("p1", 0, MINUTE, firing, check), MINUTE - 1));
  }

  private static PageWindowCount paired(long events, int firing) {
    return new PageWindowCount("p1", 0, MINUTE, events, firing);
  }

  @Test
  void pairsEachResultWithTheCheckOfTheSameFiringInEitherOrder() throws Exception {
    result(0);
    assertThat(harness.extractOutputValues()).isEmpty();
    check(0, 10);
    check(1, 11);
    result(1);
    assertThat(harness.extractOutputValues()).containsExactly(paired(10, 0), paired(11, 1));
    harness.processWatermark1(new Watermark(CLEANUP));
    harness.processWatermark2(new Watermark(CLEANUP));
    assertThat(harness.extractOutputValues()).hasSize(2);
  }

  @Test
  void aResultLeftUnpairedGetsTheLastCheckAtCleanup() throws Exception {
    result(0);
    check(0, 10);
    result(1);
    harness.processWatermark1(new Watermark(CLEANUP));
    harness.processWatermark2(new Watermark(CLEANUP - 1));
    assertThat(harness.extractOutputValues()).containsExactly(paired(10, 0));
    harness.processWatermark2(new Watermark(CLEANUP));
    assertThat(harness.extractOutputValues()).containsExactly(paired(10, 0), paired(10, 1));
  }

  @Test
  void checksLeftOverReissueTheLastResultWithTheLastCheckAndTheNextFiring() throws Exception {
    result(0);
    check(0, 10);
    check(1, 12);
    harness.processWatermark1(new Watermark(CLEANUP));
    harness.processWatermark2(new Watermark(CLEANUP));
    assertThat(harness.extractOutputValues()).containsExactly(paired(10, 0), paired(12, 1));
  }

  @Test
  void aResultWithNoCheckAtAllGoesOutUnverifiedAtCleanup() throws Exception {
    result(0);
    harness.processWatermark1(new Watermark(CLEANUP));
    harness.processWatermark2(new Watermark(CLEANUP));
    assertThat(harness.extractOutputValues()).containsExactly(new PageWindowCount("p1", 0, MINUTE, -1, 0));
  }
}
