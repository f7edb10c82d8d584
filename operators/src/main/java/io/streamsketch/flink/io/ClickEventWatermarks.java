package io.streamsketch.flink.io;

import io.streamsketch.model.ClickEvent;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.SerializableTimestampAssigner;
import org.apache.flink.api.common.eventtime.TimestampAssigner;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/**
 * Event-time watermarks for click events: bounded out-of-orderness, plus idleness so that a silent source split does
 * not hold back the event time of the whole job.
 */
public final class ClickEventWatermarks {
  /** The watermark advances in steps of at least this much, so it is not sent downstream on every event. */
  static final long STEP_MILLIS = 1_000;

  private ClickEventWatermarks() {}

  /**
   * A strategy whose watermark trails the largest timestamp seen by {@code outOfOrderness}, and which marks a
   * split idle after {@code idleness} without events.
   *
   * <p>Unlike Flink's periodic {@code forBoundedOutOfOrderness}, the watermark is emitted from the events
   * themselves, whenever it has advanced by {@link #STEP_MILLIS}. Which events are late then depends only on the
   * order of the input, never on how fast it was processed, so a replay of the same input routes the same events
   * to the late output.
   */
  public static WatermarkStrategy<ClickEvent> boundedOutOfOrderness(Duration outOfOrderness, Duration idleness) {
    return strategy(outOfOrderness, idleness, (ClickEvent event, long previous) -> event.eventTime);
  }

  /**
   * The same strategy for a source that parses its input ({@link InputRecord}): events carry their event time, dead
   * letters none ({@link TimestampAssigner#NO_TIMESTAMP}), and the watermark ignores them.
   */
  public static WatermarkStrategy<InputRecord> forInputRecords(Duration outOfOrderness, Duration idleness) {
    return strategy(
        outOfOrderness,
        idleness,
        (InputRecord record, long previous) ->
            record.event != null ? record.event.eventTime : TimestampAssigner.NO_TIMESTAMP);
  }

  private static <T> WatermarkStrategy<T> strategy(
      Duration outOfOrderness, Duration idleness, SerializableTimestampAssigner<T> timestamps) {
    if (outOfOrderness.isNegative()) {
      throw new IllegalArgumentException("out-of-orderness must not be negative: " + outOfOrderness);
    }
    if (idleness.isNegative() || idleness.isZero()) {
      throw new IllegalArgumentException("idleness must be positive: " + idleness);
    }
    long delay = outOfOrderness.toMillis();
    return WatermarkStrategy.<T>forGenerator(context -> new EventDrivenGenerator<>(delay))
        .withTimestampAssigner(timestamps)
        .withIdleness(idleness);
  }

  /** Emits watermarks from event timestamps; a record without a timestamp (a dead letter) does not move them. */
  static final class EventDrivenGenerator<T> implements WatermarkGenerator<T> {
    private final long delay;
    private long maxTimestamp = Long.MIN_VALUE;
    private long emitted = Long.MIN_VALUE;

    EventDrivenGenerator(long delay) {
      this.delay = delay;
    }

    @Override
    public void onEvent(T event, long timestamp, WatermarkOutput output) {
      if (timestamp == TimestampAssigner.NO_TIMESTAMP || timestamp <= maxTimestamp) {
        return;
      }
      maxTimestamp = timestamp;
      long watermark = maxTimestamp - delay - 1;
      if (emitted == Long.MIN_VALUE || watermark - emitted >= STEP_MILLIS) {
        emitted = watermark;
        output.emitWatermark(new Watermark(watermark));
      }
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
      // Watermarks follow the events only (see boundedOutOfOrderness); the end of a bounded input emits the final one.
    }
  }
}
