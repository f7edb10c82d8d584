package io.streamsketch.jobs.verify;

import io.streamsketch.flink.aggregate.LocalGlobalAggregation;
import io.streamsketch.flink.aggregate.NumberedFiringWindowFunction;
import io.streamsketch.flink.aggregate.WindowPartial;
import io.streamsketch.flink.io.SideOutputs;
import io.streamsketch.model.ClickEvent;
import java.time.Duration;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;

/**
 * The verify windows of a sketch job: the same local-global wiring as the sketch's ({@link LocalGlobalAggregation}),
 * over the same events, windows and allowed lateness, with a {@link CheckAggregate} in place of the sketch.
 *
 * <p>Late events and late partials of the verify windows are not written anywhere: the local aggregators of both
 * branches sit on the same subtask behind the same watermarks with the same lateness, so they route the same events
 * to the late side; the sketch branch writes and counts them once in {@code late-events} ({@code late-partials}).
 */
public final class CheckWindows {
  private CheckWindows() {}

  /** Each subtask's checks per (key, window), chained to {@code events} like the sketch's local aggregator. */
  public static SingleOutputStreamOperator<WindowPartial<WindowCheck>> localChecks(
      DataStream<ClickEvent> events,
      String uid,
      KeySelector<ClickEvent, String> key,
      Duration window,
      Duration allowedLateness,
      CheckAggregate aggregate,
      int maxPartials) {
    return LocalGlobalAggregation.localPartials(
        events,
        uid,
        key,
        TumblingEventTimeWindows.of(window),
        allowedLateness,
        aggregate,
        WindowCheck.TYPE,
        maxPartials,
        SideOutputs.LATE_EVENTS);
  }

  /** The checks merged per {@code key} and window, one {@link CheckFiring} per firing, numbered as the sketch's. */
  public static SingleOutputStreamOperator<CheckFiring> firings(
      DataStream<WindowPartial<WindowCheck>> localChecks,
      String uid,
      KeySelector<WindowPartial<WindowCheck>, String> key,
      Duration allowedLateness,
      CheckAggregate aggregate) {
    return LocalGlobalAggregation.mergePartials(
        localChecks, uid, key, allowedLateness, aggregate, WindowCheck.TYPE, new ToCheckFiring(), CheckFiring.TYPE);
  }

  private static final class ToCheckFiring extends NumberedFiringWindowFunction<WindowCheck, CheckFiring> {
    private static final long serialVersionUID = 1L;

    @Override
    protected CheckFiring result(String key, TimeWindow window, WindowCheck check, int firing) {
      return new CheckFiring(key, window.getStart(), window.getEnd(), firing, check);
    }
  }
}
