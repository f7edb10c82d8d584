package io.streamsketch.flink.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamsketch.model.ClickEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
    ClickEventWatermarks.EventDrivenGenerator generator = new ClickEventWatermarks.EventDrivenGenerator(2_000);
    long[] times = {10_000, 10_500, 9_000, 11_200, 12_100, 12_300, 30_000};
    for (long time : times) {
      generator.onEvent(new ClickEvent(), time, output);
    }
    generator.onPeriodicEmit(output);
    // First event, then each advance of at least one second; an older event never moves it.
    assertThat(emitted).containsExactly(7_999L, 9_199L, 10_299L, 27_999L);
  }

  @Test
  void rejectsInvalidDurations() {
    assertThatThrownBy(() -> ClickEventWatermarks.boundedOutOfOrderness(Duration.ofSeconds(-1), Duration.ofSeconds(1)))
        .hasMessageContaining("out-of-orderness must not be negative");
    assertThatThrownBy(() -> ClickEventWatermarks.boundedOutOfOrderness(Duration.ZERO, Duration.ZERO))
        .hasMessageContaining("idleness must be positive");
  }
}
