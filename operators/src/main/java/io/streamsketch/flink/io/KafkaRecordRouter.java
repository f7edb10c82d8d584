package io.streamsketch.flink.io;

import io.streamsketch.model.DeadLetter;
import io.streamsketch.model.OutputRecord;
import java.nio.charset.StandardCharsets;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.record.AbstractRecords;
import org.apache.kafka.common.record.CompressionType;
import org.apache.kafka.common.record.RecordBatch;

/**
 * Serializes output records for Kafka (key and JSON value in UTF-8) and routes a record too large for the topic to
 * {@link SideOutputs#DEAD_LETTERS} with its reason, before the sink: a producer rejects such a record
 * ({@code RecordTooLargeException}), which would fail the job at every restart.
 *
 * <p>The size is the producer's own upper bound of the record in a batch, compared as the producer compares it
 * with {@code max.request.size}; {@code maxRecordBytes} is the smaller of that and the topic's
 * {@code max.message.bytes}.
 */
public final class KafkaRecordRouter<T extends OutputRecord> extends ProcessFunction<T, SerializedRecord> {
  private static final long serialVersionUID = 1L;
  /** A dead letter keeps this much of the record's JSON: enough to recognise it, far below any limit. */
  static final int DEAD_LETTER_LINE_CHARS = 1_000;

  private final String topic;
  private final int maxRecordBytes;

  public KafkaRecordRouter(String topic, int maxRecordBytes) {
    this.topic = topic;
    this.maxRecordBytes = maxRecordBytes;
  }

  @Override
  public void processElement(T record, Context ctx, Collector<SerializedRecord> out) {
    String json = record.toJson();
    byte[] key = record.key().getBytes(StandardCharsets.UTF_8);
    byte[] value = json.getBytes(StandardCharsets.UTF_8);
    int size = sizeInBatch(key, value);
    if (size > maxRecordBytes) {
      String reason =
          "record of " + size + " bytes is larger than the " + maxRecordBytes + " bytes topic " + topic + " takes";
      ctx.output(SideOutputs.DEAD_LETTERS, DeadLetter.ofRecord(record, json, reason, DEAD_LETTER_LINE_CHARS));
    } else {
      out.collect(new SerializedRecord(key, value));
    }
  }

  /** The producer's upper bound of a record's size, which it checks against {@code max.request.size}. */
  static int sizeInBatch(byte[] key, byte[] value) {
    return AbstractRecords.estimateSizeInBytesUpperBound(
        RecordBatch.CURRENT_MAGIC_VALUE, CompressionType.NONE, key, value, new Header[0]);
  }
}
