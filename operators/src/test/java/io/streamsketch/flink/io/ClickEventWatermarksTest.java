package io.streamsketch.flink.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamsketch.model.ClickEvent;
import io.streamsketch.model.DeadLetter;
import io.streamsketch.model.EventKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.TimestampAssigner;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.junit.jupiter.api.Test;

class ClickEventWatermarksTest {
  private final List<Long> emitted = new ArrayList<>();
  private final WatermarkOutput output =
      new WatermarkOutput() {
        @Override
        public void emitWatermark(Watermark watermark) {
          emitted.add(watermark.getTimestamp());
        }

        @Override
        public void markIdle() {}

        @Override
        public void markActive() {}
      };

  @Test
  void watermarksFollowEventsInStepsAndNeverOvertakeTheBound() {
    ClickEventWatermarks.EventDrivenGenerator<ClickEvent> generator = new ClickEventWatermarks.EventDrivenGenerator<>(2_000);
    long[] times = {10_000, 10_500, 9_000, 11_200, 12_100, 12_300, 30_000};
    for (long time : times) {
      generator.onEvent(new ClickEvent(), time, output);
    }
    generator.onPeriodicEmit(output);
    // First event, then each advance of at least one second; an older event never moves it.
    assertThat(emitted).containsExactly(7_999L, 9_199L, 10_299L, 27_999L);
  }

  @Test
  void recordsWithoutATimestampDoNotMoveTheWatermark() {
    ClickEventWatermarks.EventDrivenGenerator<InputRecord> generator = new ClickEventWatermarks.EventDrivenGenerator<>(0);
    generator.onEvent(new InputRecord(), TimestampAssigner.NO_TIMESTAMP, output);
    generator.onEvent(new InputRecord(), 5_000, output);
    generator.onEvent(new InputRecord(), TimestampAssigner.NO_TIMESTAMP, output);
    assertThat(emitted).containsExactly(4_999L);
  }

  @Test
  void deadLettersHaveNoTimestamp() {
    var assigner =
        ClickEventWatermarks.forInputRecords(Duration.ZERO, Duration.ofSeconds(1)).createTimestampAssigner(null);
    DeadLetter deadLetter = new DeadLetter("x", "invalid JSON");
    assertThat(assigner.extractTimestamp(InputRecord.deadLetter(deadLetter), 123L))
        .isEqualTo(TimestampAssigner.NO_TIMESTAMP);
    ClickEvent event = new ClickEvent(1, "u", "p", EventKind.VIEW, null, 42L);
    assertThat(assigner.extractTimestamp(InputRecord.event(event), 123L)).isEqualTo(42L);
  }

  @Test
  void rejectsInvalidDurations() {
    assertThatThrownBy(() -> ClickEventWatermarks.boundedOutOfOrderness(Duration.ofSeconds(-1), Duration.ofSeconds(1)))
        .hasMessageContaining("out-of-orderness must not be negative");
    assertThatThrownBy(() -> ClickEventWatermarks.boundedOutOfOrderness(Duration.ZERO, Duration.ZERO))
        .hasMessageContaining("idleness must be positive");
  }
}
