package io.streamsketch.flink.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.flink.runtime.event.WatermarkEvent;
import org.apache.flink.streaming.api.operators.Output;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.LatencyMarker;
import org.apache.flink.streaming.runtime.streamrecord.RecordAttributes;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.tasks.TestProcessingTimeService;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CoalescingWatermarkOutputTest {
  private static final OutputTag<String> LATE = new OutputTag<>("late") {};

  private final List<Object> emitted = new ArrayList<>();
  private final TestProcessingTimeService time = new TestProcessingTimeService();
  private final CoalescingWatermarkOutput<String> output = new CoalescingWatermarkOutput<>(new Recording(), () -> time);

  @BeforeEach
  void startTheClockAtZero() throws Exception {
    time.setCurrentTime(0);
  }

  @Test
  void watermarksWithNothingBetweenThemAreMergedIntoTheLatest() {
    output.emitWatermark(new Watermark(1));
    output.emitWatermark(new Watermark(2));
    output.emitWatermark(new Watermark(3));
    assertThat(emitted).isEmpty();

    output.collect(new StreamRecord<>("a", 3));
    assertThat(emitted).containsExactly(new Watermark(3), "a@3");
  }

  @Test
  void everythingThatFollowsAWatermarkReleasesItFirst() {
    output.emitWatermark(new Watermark(1));
    output.collect(LATE, new StreamRecord<>("late", 0));
    output.emitWatermark(new Watermark(2));
    output.emitWatermarkStatus(WatermarkStatus.IDLE);
    output.emitWatermark(new Watermark(3));
    output.emitLatencyMarker(new LatencyMarker(0, null, 0));
    assertThat(emitted).as("a latency marker is not ordered with watermarks")
        .containsExactly(new Watermark(1), "late:late@0", new Watermark(2), WatermarkStatus.IDLE, "latency");

    output.release();
    output.release();
    assertThat(emitted).as("released once").endsWith("latency", new Watermark(3)).hasSize(6);
  }

  @Test
  void aWatermarkWaitsAtMostTheHoldBoundWithOneTimerAtATime() throws Exception {
    output.emitWatermark(new Watermark(1));
    output.emitWatermark(new Watermark(2));
    assertThat(time.getNumActiveTimers()).isOne();

    time.setCurrentTime(CoalescingWatermarkOutput.MAX_HOLD_MILLIS - 1);
    assertThat(emitted).isEmpty();
    time.setCurrentTime(CoalescingWatermarkOutput.MAX_HOLD_MILLIS);
    assertThat(emitted).containsExactly(new Watermark(2));

    output.emitWatermark(new Watermark(3));
    output.collect(new StreamRecord<>("a", 3));
    output.emitWatermark(new Watermark(4));
    assertThat(time.getNumActiveTimers()).as("the second hold's timer also bounds the third").isOne();
    time.setCurrentTime(2 * CoalescingWatermarkOutput.MAX_HOLD_MILLIS);
    assertThat(emitted).containsExactly(new Watermark(2), new Watermark(3), "a@3", new Watermark(4));
  }

  @Test
  void theFinalWatermarkPassesAtOnceAndReplacesAHeldOne() throws Exception {
    output.emitWatermark(new Watermark(1));
    output.emitWatermark(Watermark.MAX_WATERMARK);
    time.setCurrentTime(CoalescingWatermarkOutput.MAX_HOLD_MILLIS);
    output.release();
    assertThat(emitted).containsExactly(Watermark.MAX_WATERMARK);
  }

  /**
   * The claim behind the class, on random sequences: each record is preceded by the same latest watermark as without
   * it, the watermarks forwarded are a subsequence of those emitted, and after a release the latest is the same.
   */
  @Test
  void eachRecordFollowsTheSameLatestWatermarkAsWithoutCoalescing() throws Exception {
    SplittableRandom random = new SplittableRandom(11);
    for (int run = 0; run < 200; run++) {
      emitted.clear();
      List<Object> direct = new ArrayList<>();
      long watermark = 0;
      for (int step = 0; step < 200; step++) {
        int what = random.nextInt(10);
        if (what < 6) {
          watermark += random.nextInt(3);
          output.emitWatermark(new Watermark(watermark));
          direct.add(new Watermark(watermark));
        } else if (what < 8) {
          output.collect(new StreamRecord<>("r" + step, watermark));
          direct.add("r" + step + "@" + watermark);
        } else if (what < 9) {
          output.collect(LATE, new StreamRecord<>("l" + step, watermark));
          direct.add("late:l" + step + "@" + watermark);
        } else {
          time.advance(random.nextInt(2 * (int) CoalescingWatermarkOutput.MAX_HOLD_MILLIS));
        }
      }
      output.release();
      assertThat(latestWatermarkBeforeEachRecord(emitted)).isEqualTo(latestWatermarkBeforeEachRecord(direct));
      assertThat(direct).containsSubsequence(emitted);
      assertThat(lastWatermark(emitted)).isEqualTo(lastWatermark(direct));
    }
  }

  private static List<String> latestWatermarkBeforeEachRecord(List<Object> elements) {
    List<String> seen = new ArrayList<>();
    Object latest = null;
    for (Object element : elements) {
      if (element instanceof Watermark) {
        latest = element;
      } else {
        seen.add(element + " after " + latest);
      }
    }
    return seen;
  }

  private static Object lastWatermark(List<Object> elements) {
    return elements.stream().filter(Watermark.class::isInstance).reduce((first, second) -> second).orElse(null);
  }

  /** Records each element in order: records as "value@timestamp", side-output records with their tag. */
  private final class Recording implements Output<StreamRecord<String>> {
    @Override
    public void collect(StreamRecord<String> record) {
      emitted.add(record.getValue() + "@" + record.getTimestamp());
    }

    @Override
    public <X> void collect(OutputTag<X> outputTag, StreamRecord<X> record) {
      emitted.add(outputTag.getId() + ":" + record.getValue() + "@" + record.getTimestamp());
    }

    @Override
    public void emitWatermark(Watermark mark) {
      emitted.add(mark);
    }

    @Override
    public void emitWatermarkStatus(WatermarkStatus watermarkStatus) {
      emitted.add(watermarkStatus);
    }

    @Override
    public void emitLatencyMarker(LatencyMarker latencyMarker) {
      emitted.add("latency");
    }

    @Override
    public void emitRecordAttributes(RecordAttributes recordAttributes) {
      emitted.add(recordAttributes);
    }

    @Override
    public void emitWatermark(WatermarkEvent watermark) {
      emitted.add(watermark);
    }

    @Override
    public void close() {}
  }
}
