package io.streamsketch.flink.join;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsketch.model.ClickEvent;
import io.streamsketch.model.EnrichedEvent;
import io.streamsketch.model.EventKind;
import io.streamsketch.model.Page;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class KeyedDimensionJoinTest {
  private static final Page P1 = new Page("p1", "news", "Page 1 of news");
  private static final Page P1_RENAMED = new Page("p1", "tech", "Page 1 of tech");

  private KeyedTwoInputStreamOperatorTestHarness<String, ClickEvent, Page, EnrichedEvent> harness;

  private void open(JoinMode mode, int maxWaitingPerPage) throws Exception {
    harness = create(mode, maxWaitingPerPage);
    harness.open();
  }

  /** A harness that, like the jobs, fails on any state type that would fall back to Kryo. */
  private static KeyedTwoInputStreamOperatorTestHarness<String, ClickEvent, Page, EnrichedEvent> create(
      JoinMode mode, int maxWaitingPerPage) throws Exception {
    KeyedTwoInputStreamOperatorTestHarness<String, ClickEvent, Page, EnrichedEvent> created =
        new KeyedTwoInputStreamOperatorTestHarness<>(
            new KeyedCoProcessOperator<>(new KeyedDimensionJoin(mode, maxWaitingPerPage)),
            fact -> fact.pageId,
            row -> row.pageId,
            Types.STRING);
    ((SerializerConfigImpl) created.getExecutionConfig().getSerializerConfig()).setGenericTypes(false);
    return created;
  }

  @AfterEach
  void close() throws Exception {
    harness.close();
  }

  private static ClickEvent fact(long id, String pageId, long time) {
    return new ClickEvent(id, "u1", pageId, EventKind.VIEW, null, time);
  }

  private void fact(ClickEvent fact) throws Exception {
    harness.processElement1(new StreamRecord<>(fact, fact.eventTime));
  }

  private void row(Page page) throws Exception {
    harness.processElement2(new StreamRecord<>(page));
  }

  @Test
  void factsWaitForTheirRowAndAreJoinedWithItWhenItArrives() throws Exception {
    open(JoinMode.INNER, 10);
    fact(fact(1, "p1", 1_000));
    fact(fact(2, "p1", 2_000));
    assertThat(harness.extractOutputValues()).isEmpty();

    row(P1);
    assertThat(harness.extractOutputValues())
        .containsExactly(EnrichedEvent.of(fact(1, "p1", 1_000), P1), EnrichedEvent.of(fact(2, "p1", 2_000), P1));
    // Only the row is left: the buffer, its count and the release timers are gone.
    assertThat(harness.numKeyedStateEntries()).isEqualTo(1);
    assertThat(harness.numEventTimeTimers()).isZero();
  }

  @Test
  void nothingIsReleasedUnmatchedBeforeTheDimensionsWatermarkAdvances() throws Exception {
    open(JoinMode.INNER, 10);
    fact(fact(1, "p2", 1_000));
    // The facts' event time moves on, but the dimension (still loading) holds the operator's event time back.
    harness.processWatermark1(new Watermark(60_000));
    assertThat(harness.extractOutputValues()).isEmpty();
    assertThat(harness.getSideOutput(JoinOutputs.UNMATCHED_FACTS)).isNull();

    // The dimension is loaded (a bounded source ends with the maximum watermark): the fact is released.
    harness.processWatermark2(new Watermark(Long.MAX_VALUE));
    assertThat(harness.getSideOutput(JoinOutputs.UNMATCHED_FACTS))
        .extracting(StreamRecord::getValue)
        .containsExactly(fact(1, "p2", 1_000));
    assertThat(harness.numKeyedStateEntries()).isZero();
  }

  @Test
  void innerJoinReleasesUnmatchedFactsToTheSideOutputWhenEventTimePassesThem() throws Exception {
    open(JoinMode.INNER, 10);
    fact(fact(1, "p2", 1_000));
    fact(fact(2, "p2", 5_000));
    harness.processBothWatermarks(new Watermark(1_000));
    assertThat(harness.getSideOutput(JoinOutputs.UNMATCHED_FACTS))
        .extracting(StreamRecord::getValue)
        .containsExactly(fact(1, "p2", 1_000));

    // The other fact still waits, and its row makes it a match.
    row(new Page("p2", "food", "Page 2 of food"));
    assertThat(harness.extractOutputValues())
        .containsExactly(EnrichedEvent.of(fact(2, "p2", 5_000), new Page("p2", "food", "Page 2 of food")));
    assertThat(harness.numEventTimeTimers()).isZero();
  }

  @Test
  void leftJoinReleasesUnmatchedFactsWithNullPageFields() throws Exception {
    open(JoinMode.LEFT, 10);
    fact(fact(1, "p2", 1_000));
    harness.processBothWatermarks(new Watermark(1_000));
    // Event time is already past this one when it arrives: no wait.
    fact(fact(2, "p2", 500));

    assertThat(harness.extractOutputValues())
        .containsExactly(EnrichedEvent.of(fact(1, "p2", 1_000), null), EnrichedEvent.of(fact(2, "p2", 500), null));
    assertThat(harness.extractOutputValues()).allMatch(e -> e.category == null && e.title == null);
    assertThat(harness.numKeyedStateEntries()).isZero();
    assertThat(harness.numEventTimeTimers()).isZero();
  }

  @Test
  void waitingFactsAreBoundedPerPageAndTheOverflowIsKept() throws Exception {
    open(JoinMode.INNER, 2);
    fact(fact(1, "p1", 1_000));
    fact(fact(2, "p1", 2_000));
    fact(fact(3, "p1", 3_000));
    fact(fact(4, "p3", 3_000)); // another page has its own bound

    assertThat(harness.getSideOutput(JoinOutputs.WAITING_OVERFLOW))
        .extracting(StreamRecord::getValue)
        .containsExactly(fact(3, "p1", 3_000));
    row(P1);
    assertThat(harness.extractOutputValues())
        .extracting(e -> e.eventId)
        .containsExactly(1L, 2L);
  }

  @Test
  void aLaterRowReplacesTheEarlierOneForLaterFactsOnly() throws Exception {
    open(JoinMode.INNER, 10);
    row(P1);
    fact(fact(1, "p1", 1_000));
    row(P1_RENAMED); // a refresh: a new file with the page's new row
    fact(fact(2, "p1", 2_000));
    fact(fact(3, "p1", 500)); // event time does not matter: arrival does

    assertThat(harness.extractOutputValues())
        .containsExactly(
            EnrichedEvent.of(fact(1, "p1", 1_000), P1),
            EnrichedEvent.of(fact(2, "p1", 2_000), P1_RENAMED),
            EnrichedEvent.of(fact(3, "p1", 500), P1_RENAMED));
    assertThat(harness.numKeyedStateEntries()).isEqualTo(1);
  }

  @Test
  void aRowArrivingAfterUnmatchedFactsWereReleasedJoinsLaterFacts() throws Exception {
    open(JoinMode.LEFT, 10);
    fact(fact(1, "p1", 1_000));
    harness.processBothWatermarks(new Watermark(1_000));
    row(P1); // a page added by a refresh
    fact(fact(2, "p1", 2_000));

    assertThat(harness.extractOutputValues())
        .containsExactly(EnrichedEvent.of(fact(1, "p1", 1_000), null), EnrichedEvent.of(fact(2, "p1", 2_000), P1));
  }

  @Test
  void waitingFactsSurviveARestoreFromASnapshot() throws Exception {
    open(JoinMode.INNER, 10);
    fact(fact(1, "p1", 1_000));
    OperatorSubtaskState snapshot = harness.snapshot(1, 1);
    harness.close();

    harness = create(JoinMode.INNER, 10);
    harness.initializeState(snapshot);
    harness.open();
    row(P1);
    assertThat(harness.extractOutputValues()).containsExactly(EnrichedEvent.of(fact(1, "p1", 1_000), P1));
  }
}
