package io.streamsketch.jobs.windowedcounts;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsketch.flink.io.ClickstreamSource;
import io.streamsketch.flink.io.SideOutputs;
import io.streamsketch.generator.GeneratorConfig;
import io.streamsketch.model.ClickEvent;
import io.streamsketch.model.EventKind;
import io.streamsketch.model.PageWindowCount;
import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.operators.StreamOperatorFactory;
import org.apache.flink.streaming.api.transformations.OneInputTransformation;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Drives the tumbling-window operator that {@link WindowedCountsJob#build} wires (1 min windows, 1 min allowed
 * lateness) through its firings, late updates, the late output and its cleanup.
 */
class WindowedCountsHarnessTest {
  private static final long MINUTE = 60_000;

  private KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, PageWindowCount> harness;

  @BeforeEach
  void openHarness() throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    DataStream<ClickEvent> events =
        env.fromSource(
            ClickstreamSource.create(GeneratorConfig.defaults().withEvents(0), 0),
            WatermarkStrategy.noWatermarks(),
            "no-events");
    WindowedCountsJob.Results results = WindowedCountsJob.build(events, WindowedCountsJob.Settings.defaults());
    @SuppressWarnings("unchecked")
    StreamOperatorFactory<PageWindowCount> tumblingWindow =
        ((OneInputTransformation<ClickEvent, PageWindowCount>) results.tumbling().getTransformation())
            .getOperatorFactory();
    harness = new KeyedOneInputStreamOperatorTestHarness<>(tumblingWindow, event -> event.pageId, Types.STRING);
    harness.open();
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
    assertThat(harness.numKeyedStateEntries()).isZero();
    assertThat(harness.numEventTimeTimers()).isZero();
  }

  @Test
  void aWatermarkFarAheadFiresAndPurgesEveryWindow() throws Exception {
    for (int minute = 0; minute < 5; minute++) {
      view(minute, "p" + (minute % 2), minute * MINUTE + 1);
    }
    harness.processWatermark(Long.MAX_VALUE);
    assertThat(harness.extractOutputValues()).hasSize(5).allMatch(result -> result.firing == 0);
    assertThat(harness.numKeyedStateEntries()).isZero();
    assertThat(harness.numEventTimeTimers()).isZero();
  }
}
