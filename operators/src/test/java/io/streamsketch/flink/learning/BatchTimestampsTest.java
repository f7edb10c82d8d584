package io.streamsketch.flink.learning;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class BatchTimestampsTest {
  @Test
  void movesTimestampsOnlyLaterAndForwardsTheWatermarks() throws Exception {
    try (var harness = new OneInputStreamOperatorTestHarness<Long, Long>(new BatchTimestamps<Long>(v -> v))) {
      harness.open();
      harness.processElement(new StreamRecord<>(20L, 10));
      harness.processElement(new StreamRecord<>(5L, 10));
      harness.processWatermark(new Watermark(15));
      harness.processElement(new StreamRecord<>(30L));
      List<Object> out = List.copyOf(harness.getOutput());
      assertThat(out)
          .containsExactly(
              new StreamRecord<>(20L, 20), new StreamRecord<>(5L, 10), new Watermark(15), new StreamRecord<>(30L, 30));
    }
  }
}
