package io.streamsketch.flink.join;

import io.streamsketch.model.ClickEvent;
import io.streamsketch.model.EnrichedEvent;
import io.streamsketch.model.Page;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Joins facts (input 1) with a large page dimension read as a stream of rows (input 2), both keyed by page id; each
 * page's latest row lives in keyed state.
 *
 * <ul>
 *   <li>A fact whose page has a row is joined with the latest row at once. Rows are versioned by arrival: a later
 *       row of a page replaces the earlier one for every fact processed after it, and facts already emitted stay as
 *       they were.
 *   <li>A fact whose page has no row yet waits in keyed state, at most {@code maxWaitingPerPage} per page; a fact
 *       that finds the buffer full goes to {@link JoinOutputs#WAITING_OVERFLOW}. When the row arrives, the waiting
 *       facts are joined with it, in arrival order.
 *   <li>A waiting fact is released unmatched (left join: with null page fields; inner join: to {@link
 *       JoinOutputs#UNMATCHED_FACTS}) once the operator's event time passes the fact's time. That event time is the
 *       smaller of the two inputs' watermarks, and the job holds the dimension's watermark at its minimum until the
 *       dimension is loaded (see the job), so no fact is released unmatched while rows may still come that the
 *       dimension had when the fact arrived.
 * </ul>
 */
public final class KeyedDimensionJoin extends KeyedCoProcessFunction<String, ClickEvent, Page, EnrichedEvent> {
  private static final long serialVersionUID = 1L;

  private final JoinMode mode;
  private final int maxWaitingPerPage;

  private transient ValueState<Page> row;
  private transient ListState<ClickEvent> waiting;
  private transient ValueState<Integer> waitingCount;

  public KeyedDimensionJoin(JoinMode mode, int maxWaitingPerPage) {
    if (maxWaitingPerPage < 0) {
      throw new IllegalArgumentException("the waiting bound must not be negative: " + maxWaitingPerPage);
    }
    this.mode = mode;
    this.maxWaitingPerPage = maxWaitingPerPage;
  }

  @Override
  public void open(OpenContext openContext) {
    row = getRuntimeContext().getState(new ValueStateDescriptor<>("row", TypeInformation.of(Page.class)));
    waiting =
        getRuntimeContext().getListState(new ListStateDescriptor<>("waiting", TypeInformation.of(ClickEvent.class)));
    waitingCount = getRuntimeContext().getState(new ValueStateDescriptor<>("waiting-count", Types.INT));
  }

  @Override
  public void processElement1(ClickEvent fact, Context ctx, Collector<EnrichedEvent> out) throws Exception {
    Page page = row.value();
    if (page != null) {
      out.collect(EnrichedEvent.of(fact, page));
      return;
    }
    if (fact.eventTime <= ctx.timerService().currentWatermark()) {
      // Event time has already passed this fact: it would be released at once.
      releaseUnmatched(fact, ctx, out);
      return;
    }
    Integer count = waitingCount.value();
    int waitingNow = count == null ? 0 : count;
    if (waitingNow >= maxWaitingPerPage) {
      ctx.output(JoinOutputs.WAITING_OVERFLOW, fact);
      return;
    }
    waiting.add(fact);
    waitingCount.update(waitingNow + 1);
    ctx.timerService().registerEventTimeTimer(fact.eventTime);
  }

  @Override
  public void processElement2(Page page, Context ctx, Collector<EnrichedEvent> out) throws Exception {
    row.update(page);
    for (ClickEvent fact : waiting.get()) {
      out.collect(EnrichedEvent.of(fact, page));
      ctx.timerService().deleteEventTimeTimer(fact.eventTime);
    }
    waiting.clear();
    waitingCount.clear();
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<EnrichedEvent> out) throws Exception {
    List<ClickEvent> stillWaiting = new ArrayList<>();
    for (ClickEvent fact : waiting.get()) {
      if (fact.eventTime <= timestamp) {
        releaseUnmatched(fact, ctx, out);
      } else {
        stillWaiting.add(fact);
      }
    }
    if (stillWaiting.isEmpty()) {
      waiting.clear();
      waitingCount.clear();
    } else {
      waiting.update(stillWaiting);
      waitingCount.update(stillWaiting.size());
    }
  }

  private void releaseUnmatched(ClickEvent fact, Context ctx, Collector<EnrichedEvent> out) {
    if (mode == JoinMode.LEFT) {
      out.collect(EnrichedEvent.of(fact, null));
    } else {
      ctx.output(JoinOutputs.UNMATCHED_FACTS, fact);
    }
  }
}
