package io.streamsketch.flink.aggregate;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsketch.flink.window.WindowResult;
import io.streamsketch.model.ClickEvent;
import io.streamsketch.sketch.hll.HyperLogLog;
import java.time.Duration;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.operators.StreamOperatorFactory;
import org.apache.flink.streaming.api.transformations.OneInputTransformation;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The global half of the local-global aggregation ({@link MergePartials} in the keyed window that {@link
 * LocalGlobalAggregation#mergePartials} wires, and in the pane window of {@link
 * LocalGlobalAggregation#mergePartialsInPanes}) on a test harness: 1 min windows, 1 min allowed lateness, HyperLogLog
 * partials of distinct users. Both give the same results; after each case no state and no timer are left.
 */
class MergePartialsTest {
  private static final long MINUTE = 60_000;
  private static final HyperLogLogAggregate<ClickEvent> USERS = new HyperLogLogAggregate<>(e -> e.userId, 10);

  private KeyedOneInputStreamOperatorTestHarness<String, WindowPartial<HyperLogLog>, String> harness;

  /** A result as text: key, window start, firing and the rounded estimate. */
  private static final class Describe extends NumberedFiringWindowFunction<HyperLogLog, String>
      implements WindowResult<String, HyperLogLog, String> {
    private static final long serialVersionUID = 1L;

    @Override
    public String result(String key, TimeWindow window, HyperLogLog sketch, int firing) {
      return key + "@" + window.getStart() + "#" + firing + "=" + Math.round(sketch.estimate());
    }
  }

  private void open(boolean inPanes) throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    var partials =
        env.fromData(WindowPartial.typeInfo(HyperLogLogAggregate.ACCUMULATOR_TYPE), partial("p0", 0, "u0"));
    var merged =
        inPanes
            ? LocalGlobalAggregation.mergePartialsInPanes(
                partials,
                "test/merge",
                partial -> partial.key,
                Duration.ofMinutes(1),
                Duration.ofMinutes(1),
                USERS,
                HyperLogLogAggregate.ACCUMULATOR_TYPE,
                new Describe(),
                Types.STRING,
                10_000)
            : LocalGlobalAggregation.mergePartials(
                partials,
                "test/merge",
                partial -> partial.key,
                Duration.ofMinutes(1),
                USERS,
                HyperLogLogAggregate.ACCUMULATOR_TYPE,
                new Describe(),
                Types.STRING);
    @SuppressWarnings("unchecked")
    StreamOperatorFactory<String> window =
        ((OneInputTransformation<WindowPartial<HyperLogLog>, String>) merged.getTransformation()).getOperatorFactory();
    harness = new KeyedOneInputStreamOperatorTestHarness<>(window, partial -> partial.key, Types.STRING);
    harness.open();
  }

  @AfterEach
  void nothingIsLeft() throws Exception {
    harness.prepareSnapshotPreBarrier(1); // so that the pane window writes what it holds in memory
    assertThat(harness.numKeyedStateEntries()).as("keyed state entries").isZero();
    assertThat(harness.numEventTimeTimers()).as("event-time timers").isZero();
    harness.close();
  }

  private static WindowPartial<HyperLogLog> partial(String key, long windowStart, String... users) {
    HyperLogLog sketch = USERS.createAccumulator();
    for (String user : users) {
      ClickEvent event = new ClickEvent();
      event.userId = user;
      sketch = USERS.add(event, sketch);
    }
    return new WindowPartial<>(key, windowStart, windowStart + MINUTE, users.length, sketch);
  }

  private void send(WindowPartial<HyperLogLog> partial) throws Exception {
    harness.processElement(new StreamRecord<>(partial, partial.windowEnd - 1));
  }

  @ParameterizedTest(name = "in panes: {0}")
  @ValueSource(booleans = {false, true})
  void mergesThePartialsOfAWindowFiresAtTheWatermarkAndOncePerLatePartial(boolean inPanes) throws Exception {
    open(inPanes);
    send(partial("p1", 0, "u1", "u2"));
    send(partial("p1", 0, "u2", "u3"));
    send(partial("p2", 0, "u1"));
    send(partial("p1", MINUTE, "u9"));
    harness.processWatermark(MINUTE - 1);
    assertThat(harness.extractOutputValues()).containsExactlyInAnyOrder("p1@0#0=3", "p2@0#0=1");

    send(partial("p1", 0, "u3", "u4"));
    assertThat(harness.extractOutputValues()).endsWith("p1@0#1=4");
    assertThat(harness.getSideOutput(LocalGlobalAggregation.latePartials(HyperLogLogAggregate.ACCUMULATOR_TYPE)))
        .isNull();

    harness.processWatermark(2 * MINUTE - 1);
    assertThat(harness.extractOutputValues()).endsWith("p1@60000#0=1");
    send(partial("p2", 0, "u5"));
    assertThat(harness.getSideOutput(LocalGlobalAggregation.latePartials(HyperLogLogAggregate.ACCUMULATOR_TYPE)))
        .extracting(record -> record.getValue().key + ":" + record.getValue().events)
        .containsExactly("p2:1");
    harness.processWatermark(3 * MINUTE - 1);
  }
}
