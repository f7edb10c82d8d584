package io.streamsketch.flink.io;

import java.util.function.Supplier;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.runtime.event.WatermarkEvent;
import org.apache.flink.streaming.api.operators.Output;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.LatencyMarker;
import org.apache.flink.streaming.runtime.streamrecord.RecordAttributes;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.util.OutputTag;

/**
 * An operator's output that forwards a watermark only when something follows it: the next record (main or side
 * output), a change of watermark status, a checkpoint barrier ({@link #release} in {@code prepareSnapshotPreBarrier}),
 * the end of input (the final watermark passes at once), or at most {@link #MAX_HOLD_MILLIS} of processing time after
 * it. A later watermark replaces a held one.
 *
 * <p>Why it changes no result: every record still follows exactly the watermarks it followed before, the latest of
 * them forwarded right ahead of it, so a downstream operator sees the same watermark at each record of this input;
 * and firing timers up to W1 and then up to W2 fires the same timers, in the same order, as firing up to W2. Only
 * watermarks with nothing between them are merged. An operator whose outputs are sparse (a window's results, a
 * join's pairs) otherwise sends every one of its input's watermarks to every downstream channel: with the jobs'
 * one-second event-time watermarks, downstream subtasks spent more time on watermarks than on records.
 *
 * <p>A downstream operator with other inputs may see this input's watermark later than before (never earlier), so it
 * may fire later in processing time, within the hold bound, and treats no record as late that it did not before.
 */
public final class CoalescingWatermarkOutput<T> implements Output<StreamRecord<T>> {
  /** The longest a watermark is held, as Flink's default interval of periodic watermarks. */
  public static final long MAX_HOLD_MILLIS = 200;

  private final Output<StreamRecord<T>> output;
  private final Supplier<ProcessingTimeService> processingTime;
  private Watermark held;
  private boolean releaseScheduled;

  /**
   * @param processingTime the operator's processing-time service; asked for at the first held watermark (it is set
   *     after the output)
   */
  public CoalescingWatermarkOutput(Output<StreamRecord<T>> output, Supplier<ProcessingTimeService> processingTime) {
    this.output = output;
    this.processingTime = processingTime;
  }

  /** Forwards the held watermark, if any. */
  public void release() {
    if (held != null) {
      Watermark mark = held;
      held = null;
      output.emitWatermark(mark);
    }
  }

  @Override
  public void emitWatermark(Watermark mark) {
    if (mark.getTimestamp() == Long.MAX_VALUE) {
      held = null;
      output.emitWatermark(mark);
      return;
    }
    held = mark;
    // One pending release at a time: a watermark waits at most the bound, with one timer per bound, not per watermark.
    if (!releaseScheduled) {
      releaseScheduled = true;
      ProcessingTimeService service = processingTime.get();
      service.registerTimer(service.getCurrentProcessingTime() + MAX_HOLD_MILLIS, time -> {
        releaseScheduled = false;
        release();
      });
    }
  }

  @Override
  public void collect(StreamRecord<T> record) {
    release();
    output.collect(record);
  }

  @Override
  public <X> void collect(OutputTag<X> outputTag, StreamRecord<X> record) {
    release();
    output.collect(outputTag, record);
  }

  @Override
  public void emitWatermarkStatus(WatermarkStatus watermarkStatus) {
    release();
    output.emitWatermarkStatus(watermarkStatus);
  }

  @Override
  public void emitWatermark(WatermarkEvent watermark) {
    release();
    output.emitWatermark(watermark);
  }

  @Override
  public void emitRecordAttributes(RecordAttributes recordAttributes) {
    release();
    output.emitRecordAttributes(recordAttributes);
  }

  @Override
  public void emitLatencyMarker(LatencyMarker latencyMarker) {
    output.emitLatencyMarker(latencyMarker);
  }

  @Override
  public void close() {
    output.close();
  }
}
