package io.streamsketch.jobs.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ProgressLineTest {
  private static final long WATERMARK = Instant.parse("2026-01-01T00:10:07Z").toEpochMilli();

  private static SortedMap<String, Long> outputs() {
    SortedMap<String, Long> outputs = new TreeMap<>();
    outputs.put("tumbling-counts", 80_113L);
    outputs.put("late-sliding", 412L);
    return outputs;
  }

  @Test
  void showsEventsRateWatermarkWithItsLagCheckpointsAndEveryOutputInThatOrder() {
    ProgressLine.Sample sample = new ProgressLine.Sample(412_300, WATERMARK + 3_001, WATERMARK, 2L, outputs());
    assertThat(ProgressLine.format(sample, 81_200.4, Integer.MAX_VALUE))
        .isEqualTo(
            "events 412,300 (81,200/s) | watermark 2026-01-01 00:10:07 (lag 3.0 s) | checkpoints 2"
                + " | late-sliding 412 | tumbling-counts 80,113");
  }

  @Test
  void leavesOutWhatIsNotKnownYet() {
    ProgressLine.Sample started = new ProgressLine.Sample(0, null, null, null, new TreeMap<>());
    assertThat(ProgressLine.format(started, null, 200)).isEqualTo("events 0 | watermark none");
    ProgressLine.Sample noEventTimeRead = new ProgressLine.Sample(10, null, WATERMARK, 0L, new TreeMap<>());
    assertThat(ProgressLine.format(noEventTimeRead, null, 200))
        .isEqualTo("events 10 | watermark 2026-01-01 00:10:07 | checkpoints 0");
  }

  @Test
  void theEndOfTheInputIsNamedNotPrintedAsADate() {
    ProgressLine.Sample ended = new ProgressLine.Sample(5, WATERMARK, Long.MAX_VALUE, 1L, new TreeMap<>());
    assertThat(ProgressLine.format(ended, 0.0, 200)).isEqualTo("events 5 (0/s) | watermark end of input | checkpoints 1");
  }

  @Test
  void aWatermarkReadAfterANewerEventTimeHasNoNegativeLag() {
    ProgressLine.Sample sample = new ProgressLine.Sample(5, WATERMARK - 10, WATERMARK, null, new TreeMap<>());
    assertThat(ProgressLine.format(sample, null, 200)).endsWith("(lag 0.0 s)");
  }

  @Test
  void aLineWiderThanTheTerminalIsCutAtItsEndSoTheEventCountStays() {
    ProgressLine.Sample sample = new ProgressLine.Sample(412_300, WATERMARK + 3_000, WATERMARK, 2L, outputs());
    String line = ProgressLine.format(sample, 81_200.0, 60);
    assertThat(line).hasSize(60).startsWith("events 412,300 (81,200/s) | watermark").endsWith("...");
    assertThat(ProgressLine.format(sample, 81_200.0, 1_000)).doesNotContain("...");
  }

  @Test
  void durationsAreRoundedToWhatAGlanceNeeds() {
    assertThat(ProgressLine.duration(0)).isEqualTo("0.0 s");
    assertThat(ProgressLine.duration(9_949)).isEqualTo("9.9 s");
    assertThat(ProgressLine.duration(42_900)).isEqualTo("42 s");
    assertThat(ProgressLine.duration(17 * 60_000 + 59_000)).isEqualTo("17 min");
    assertThat(ProgressLine.duration(5 * 3_600_000 + 720_000)).isEqualTo("5.2 h");
    assertThat(ProgressLine.duration(3 * 86_400_000L)).isEqualTo("3.0 d");
  }
}
