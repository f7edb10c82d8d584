package io.streamsketch.jobs.windowedcounts;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsketch.flink.io.SideOutputs;
import io.streamsketch.flink.window.LateWindowRouter;
import io.streamsketch.jobs.testing.OperatorHarnesses;
import io.streamsketch.model.ClickEvent;
import io.streamsketch.model.EventKind;
import io.streamsketch.model.LateEvent;
import io.streamsketch.model.PageWindowCount;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.StreamOperatorFactory;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Drives the tumbling-window operator that {@link WindowedCountsJob#build} wires (1 min windows, 1 min allowed
 * lateness) through its firings, late updates, the late output and its cleanup; and the sliding windows (10 min every
 * 5 min), whose late records name the window they missed, through a disordered stream.
 */
class WindowedCountsHarnessTest {
  private static final long MINUTE = 60_000;

  private KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, PageWindowCount> harness;

  @BeforeEach
  void openHarness() throws Exception {
    StreamOperatorFactory<PageWindowCount> tumblingWindow =
        OperatorHarnesses.operatorFactory(built().tumbling().getTransformation());
    harness = new KeyedOneInputStreamOperatorTestHarness<>(tumblingWindow, event -> event.pageId, Types.STRING);
    harness.open();
  }

  private static WindowedCountsJob.Results built() {
    return WindowedCountsJob.build(OperatorHarnesses.graphInput(), WindowedCountsJob.Settings.defaults());
  }

  @AfterEach
  void closeHarness() throws Exception {
    harness.close();
  }

  private void view(long id, String page, long time) throws Exception {
    harness.processElement(new StreamRecord<>(new ClickEvent(id, "u1", page, EventKind.VIEW, null, time), time));
  }

  @Test
  void firesAtTheWatermarkThenOncePerLateEventWithinTheLateness() throws Exception {
    view(1, "p1", 10_000);
    view(2, "p1", 20_000);
    view(3, "p2", 30_000);
    harness.processWatermark(MINUTE - 1);
    assertThat(harness.extractOutputValues())
        .containsExactlyInAnyOrder(
            new PageWindowCount("p1", 0, MINUTE, 2, 0), new PageWindowCount("p2", 0, MINUTE, 1, 0));

    view(4, "p1", 40_000);
    view(5, "p1", 50_000);
    assertThat(harness.extractOutputValues())
        .contains(new PageWindowCount("p1", 0, MINUTE, 3, 1), new PageWindowCount("p1", 0, MINUTE, 4, 2));
    assertThat(harness.getSideOutput(SideOutputs.LATE_EVENTS)).isNull();
  }

  @Test
  void eventsBeyondTheLatenessGoToTheLateOutputAndNothingIsLeft() throws Exception {
    view(1, "p1", 10_000);
    harness.processWatermark(2 * MINUTE - 1);
    view(2, "p1", 15_000);

    List<PageWindowCount> results = harness.extractOutputValues();
    assertThat(results).containsExactly(new PageWindowCount("p1", 0, MINUTE, 1, 0));
    assertThat(harness.getSideOutput(SideOutputs.LATE_EVENTS))
        .extracting(record -> record.getValue().eventId)
        .containsExactly(2L);
    OperatorHarnesses.assertNothingLeft(harness);
  }

  @Test
  void aWatermarkFarAheadFiresAndPurgesEveryWindow() throws Exception {
    for (int minute = 0; minute < 5; minute++) {
      view(minute, "p" + (minute % 2), minute * MINUTE + 1);
    }
    harness.processWatermark(Long.MAX_VALUE);
    assertThat(harness.extractOutputValues()).hasSize(5).allMatch(result -> result.firing == 0);
    OperatorHarnesses.assertNothingLeft(harness);
  }

  /**
   * The rule of issue 8, item 1, on a seeded stream disordered by up to 8 minutes, so that views are late for their
   * older sliding window only, for both, or for none: for every (page, sliding window), the standing count (highest
   * firing) plus the late records for that window equals the exact count, no pair is written late twice, and the
   * operator keeps no state or timers after the end of the input.
   */
  @Test
  void slidingWindowsCountOrWriteLateEveryViewOfEveryWindow() throws Exception {
    try (KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, PageWindowCount> windowHarness =
        new KeyedOneInputStreamOperatorTestHarness<>(
            OperatorHarnesses.<ClickEvent, PageWindowCount>operatorFactory(built().sliding().getTransformation()),
            event -> event.pageId,
            Types.STRING)) {
      windowHarness.open();

      Random random = new Random(8);
      long t0 = 1_704_067_200_000L;
      long maxTime = t0;
      long watermark = Long.MIN_VALUE;
      Map<String, Long> exact = new HashMap<>();
      for (long id = 0; id < 5_000; id++) {
        maxTime += random.nextInt(1_000);
        long time = maxTime - (random.nextInt(10) == 0 ? random.nextInt(8 * (int) MINUTE) : random.nextInt(2_000));
        ClickEvent view = new ClickEvent(id, "u" + id, "p" + random.nextInt(3), EventKind.VIEW, null, time);
        for (long start = time - Math.floorMod(time, 5 * MINUTE); start > time - 10 * MINUTE; start -= 5 * MINUTE) {
          exact.merge(view.pageId + "@" + start, 1L, Long::sum);
        }
        windowHarness.processElement(new StreamRecord<>(view, time));
        if (maxTime - 2_001 >= watermark + 1_000) {
          watermark = maxTime - 2_001;
          windowHarness.processWatermark(watermark);
        }
      }
      windowHarness.processWatermark(Long.MAX_VALUE);

      Map<String, Long> standing = new HashMap<>();
      Map<String, Integer> standingFiring = new HashMap<>();
      for (PageWindowCount count : windowHarness.extractOutputValues()) {
        String window = count.pageId + "@" + count.windowStart;
        if (count.firing > standingFiring.getOrDefault(window, -1)) {
          standingFiring.put(window, count.firing);
          standing.put(window, count.views);
        }
      }
      Map<String, Long> late = new HashMap<>();
      Set<String> latePairs = new HashSet<>();
      Map<Long, Integer> lateWindowsPerEvent = new HashMap<>();
      for (StreamRecord<LateEvent> record : windowHarness.getSideOutput(LateWindowRouter.LATE_WINDOWS)) {
        LateEvent lateEvent = record.getValue();
        String window = lateEvent.event.pageId + "@" + lateEvent.windowStart;
        assertThat(latePairs.add(lateEvent.event.eventId + "/" + window)).isTrue();
        late.merge(window, 1L, Long::sum);
        lateWindowsPerEvent.merge(lateEvent.event.eventId, 1, Integer::sum);
      }
      assertThat(lateWindowsPerEvent.values()).as("late for one window only, and for both").contains(1, 2);
      for (Map.Entry<String, Long> window : exact.entrySet()) {
        assertThat(standing.getOrDefault(window.getKey(), 0L) + late.getOrDefault(window.getKey(), 0L))
            .as("views in %s", window.getKey())
            .isEqualTo(window.getValue());
      }
      assertThat(exact.keySet()).containsAll(standing.keySet());
      assertThat(windowHarness.getSideOutput(SideOutputs.LATE_EVENTS)).as("no whole-event late output").isNull();
      OperatorHarnesses.assertNothingLeft(windowHarness);
    }
  }
}
