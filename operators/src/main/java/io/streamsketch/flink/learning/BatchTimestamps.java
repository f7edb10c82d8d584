package io.streamsketch.flink.learning;

import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.function.SerializableFunction;

/**
 * Moves each element's timestamp to its own batch time when that is later, and forwards the watermarks unchanged,
 * so that which mini-batch (event-time window) an element falls into depends on the element, not on when an upstream
 * timer happened to emit it.
 *
 * <p>Why: an operator that emits from a timer stamps everything it emits with that timer's time; when the watermark
 * jumps past several due times at once (as it does at parallelism above 1, depending on how the source splits
 * interleave), elements due at different times share one stamp, and the batches differ from run to run. Moving a
 * stamp only later never makes an element late (the watermark before it was below its old stamp); moving it past
 * the watermark that follows only delays its batch. Stateless; {@code assignTimestampsAndWatermarks} would not do,
 * as it replaces the upstream watermarks.
 */
public final class BatchTimestamps<T> extends AbstractStreamOperator<T> implements OneInputStreamOperator<T, T> {
  private static final long serialVersionUID = 1L;

  private final SerializableFunction<T, Long> batchTime;

  public BatchTimestamps(SerializableFunction<T, Long> batchTime) {
    this.batchTime = batchTime;
  }

  @Override
  public void processElement(StreamRecord<T> element) {
    long time = batchTime.apply(element.getValue());
    if (!element.hasTimestamp() || time > element.getTimestamp()) {
      element.setTimestamp(time);
    }
    output.collect(element);
  }
}
