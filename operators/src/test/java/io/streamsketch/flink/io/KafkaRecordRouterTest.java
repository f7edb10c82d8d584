package io.streamsketch.flink.io;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsketch.model.DeadLetter;
import io.streamsketch.model.PageWindowCount;
import java.nio.charset.StandardCharsets;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class KafkaRecordRouterTest {
  @Test
  void aRecordThatFitsIsWrittenWithItsKeyAndJson() throws Exception {
    PageWindowCount count = new PageWindowCount("p3", 60_000, 120_000, 5, 0);
    try (var harness = harness(1_000)) {
      harness.processElement(count, 119_999);
      SerializedRecord written = (SerializedRecord) harness.extractOutputValues().get(0);
      assertThat(new String(written.key, StandardCharsets.UTF_8)).isEqualTo("p3@60000");
      assertThat(new String(written.value, StandardCharsets.UTF_8)).isEqualTo(count.toJson());
      assertThat(harness.getSideOutput(SideOutputs.DEAD_LETTERS)).isNull();
    }
  }

  @Test
  void aRecordLargerThanTheLimitBecomesADeadLetterWithItsReason() throws Exception {
    PageWindowCount small = new PageWindowCount("p3", 60_000, 120_000, 5, 0);
    PageWindowCount large = new PageWindowCount("p".repeat(2_000), 60_000, 120_000, 5, 0);
    int limit = KafkaRecordRouter.sizeInBatch("p3@60000".getBytes(StandardCharsets.UTF_8), small.toJson().getBytes(StandardCharsets.UTF_8));
    try (var harness = harness(limit)) {
      harness.processElement(small, 1);
      harness.processElement(large, 2);
      assertThat(harness.extractOutputValues()).hasSize(1);
      DeadLetter letter = harness.getSideOutput(SideOutputs.DEAD_LETTERS).poll().getValue();
      assertThat(letter.key).isEqualTo(large.key());
      assertThat(letter.reason).contains("larger than the " + limit + " bytes topic out takes");
      assertThat(letter.line).hasSize(KafkaRecordRouter.DEAD_LETTER_LINE_CHARS);
    }
  }

  @Test
  void theSizeIsTheProducersUpperBoundAboveKeyAndValue() {
    byte[] key = new byte[10];
    byte[] value = new byte[1_000];
    assertThat(KafkaRecordRouter.sizeInBatch(key, value)).isGreaterThan(1_010).isLessThan(1_200);
  }

  private static OneInputStreamOperatorTestHarness<PageWindowCount, SerializedRecord> harness(int limit)
      throws Exception {
    var harness = new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(new KafkaRecordRouter<PageWindowCount>("out", limit)));
    harness.open();
    return harness;
  }
}
