package io.streamsketch.jobs.toppages;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsketch.jobs.testing.OperatorHarnesses;
import io.streamsketch.model.PageWindowCount;
import io.streamsketch.model.TopPages;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code top-pages --exact}'s ranking on a test harness: 1 min windows, 1 min allowed lateness, top 2, heavy
 * fraction 0.5. The per-page counts arrive as the per-page windows fire them; after each case no state and no timer
 * are left.
 */
class ExactTopPagesTest {
  private static final long MINUTE = 60_000;

  private KeyedOneInputStreamOperatorTestHarness<Long, PageWindowCount, TopPages> harness;

  @BeforeEach
  void open() throws Exception {
    harness =
        new KeyedOneInputStreamOperatorTestHarness<>(
            new KeyedProcessOperator<>(new ExactTopPages(MINUTE, MINUTE, 2, 0.5)),
            count -> count.windowStart,
            Types.LONG);
    harness.open();
  }

  @AfterEach
  void nothingIsLeft() throws Exception {
    OperatorHarnesses.assertNothingLeft(harness);
    harness.close();
  }

  private void count(String page, long start, long views, int firing) throws Exception {
    harness.processElement(
        new StreamRecord<>(new PageWindowCount(page, start, start + MINUTE, views, firing), start + MINUTE - 1));
  }

  private static TopPages top(long start, long total, int firing, String[] pages, long[] views) {
    return new TopPages(start, start + MINUTE, total, 0, 1, 0.5 * total, firing, pages, views);
  }

  @Test
  void ranksAtTheWatermarkAndReRanksOnEachLateUpdateWithTiesByPageId() throws Exception {
    count("p3", 0, 2, 0);
    count("p1", 0, 3, 0);
    count("p2", 0, 3, 0);
    count("p9", MINUTE, 1, 0);
    harness.processWatermark(MINUTE - 1);
    assertThat(harness.extractOutputValues())
        .containsExactly(top(0, 8, 0, new String[] {"p1", "p2"}, new long[] {3, 3}));

    count("p3", 0, 5, 1);
    assertThat(harness.extractOutputValues())
        .endsWith(top(0, 11, 1, new String[] {"p3", "p1"}, new long[] {5, 3}));

    harness.processWatermark(2 * MINUTE - 1);
    assertThat(harness.extractOutputValues())
        .endsWith(top(MINUTE, 1, 0, new String[] {"p9"}, new long[] {1}));
    assertThat(harness.numKeyedStateEntries()).as("the first window is cleared, the second is not").isEqualTo(2);
    harness.processWatermark(3 * MINUTE - 1);
  }

  @Test
  void aWindowWhoseFirstCountIsLateFiresAtOnceAndIsStillCleared() throws Exception {
    harness.processWatermark(MINUTE + 10_000);
    count("p1", 0, 4, 1);
    assertThat(harness.extractOutputValues()).containsExactly(top(0, 4, 0, new String[] {"p1"}, new long[] {4}));
    harness.processWatermark(2 * MINUTE - 1);
  }
}
