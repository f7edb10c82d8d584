package io.streamsketch.flink.join;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsketch.model.ClickEvent;
import io.streamsketch.model.EnrichedEvent;
import io.streamsketch.model.EventKind;
import io.streamsketch.model.Page;
import java.util.Map;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

class SmallDimensionJoinTest {
  private static final Page P1 = new Page("p1", "news", "Page 1 of news");
  private static final PagesLoader ONE_PAGE = () -> Map.of("p1", P1);
  private static final ClickEvent MATCHED = new ClickEvent(1, "u1", "p1", EventKind.VIEW, null, 1_000);
  private static final ClickEvent UNMATCHED = new ClickEvent(2, "u1", "p2", EventKind.AD_CLICK, "ad3", 2_000);

  @Test
  void innerJoinSendsFactsWithoutARowToTheSideOutput() throws Exception {
    try (OneInputStreamOperatorTestHarness<ClickEvent, EnrichedEvent> harness =
        ProcessFunctionTestHarnesses.forProcessFunction(new SmallDimensionJoin(JoinMode.INNER, ONE_PAGE))) {
      harness.processElement(MATCHED, 1_000);
      harness.processElement(UNMATCHED, 2_000);
      assertThat(harness.extractOutputValues()).containsExactly(EnrichedEvent.of(MATCHED, P1));
      assertThat(harness.getSideOutput(JoinOutputs.UNMATCHED_FACTS))
          .extracting(StreamRecord::getValue)
          .containsExactly(UNMATCHED);
    }
  }

  @Test
  void leftJoinKeepsFactsWithoutARowWithNullPageFields() throws Exception {
    try (OneInputStreamOperatorTestHarness<ClickEvent, EnrichedEvent> harness =
        ProcessFunctionTestHarnesses.forProcessFunction(new SmallDimensionJoin(JoinMode.LEFT, ONE_PAGE))) {
      harness.processElement(MATCHED, 1_000);
      harness.processElement(UNMATCHED, 2_000);
      assertThat(harness.extractOutputValues())
          .containsExactly(EnrichedEvent.of(MATCHED, P1), EnrichedEvent.of(UNMATCHED, null));
      assertThat(harness.getSideOutput(JoinOutputs.UNMATCHED_FACTS)).isNull();
    }
  }
}
