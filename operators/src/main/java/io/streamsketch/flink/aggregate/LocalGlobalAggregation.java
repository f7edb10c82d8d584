package io.streamsketch.flink.aggregate;

import io.streamsketch.flink.window.PaneWindowOperator;
import io.streamsketch.flink.window.PaneWindows;
import io.streamsketch.flink.window.WindowResult;
import java.time.Duration;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.windowing.assigners.WindowAssigner;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.OutputTag;

/**
 * Wires a two-level (local-global) window aggregation of a mergeable {@link AggregateFunction}: {@link
 * LocalWindowAggregator} partials per subtask, then a keyed window that merges them. The result equals a single-pass
 * aggregation over the same windows, because merging sketches is exact: the merged HyperLogLog equals the one fed
 * every event, the merged Count-Min adds cell by cell. Example, distinct users per page and globally per minute:
 *
 * <pre>{@code
 * HyperLogLogAggregate<ClickEvent> users = new HyperLogLogAggregate<>(e -> e.userId, 12);
 * SingleOutputStreamOperator<WindowPartial<HyperLogLog>> partials = LocalGlobalAggregation.localPartials(
 *     eventsWithTimestamps, "my-job/local", e -> e.pageId, TumblingEventTimeWindows.of(Duration.ofMinutes(1)),
 *     Duration.ZERO, users, HyperLogLogAggregate.ACCUMULATOR_TYPE, 10_000, lateEventsTag);
 * perPage = LocalGlobalAggregation.mergePartials(partials, "my-job/per-page", partial -> partial.key,
 *     Duration.ZERO, users, HyperLogLogAggregate.ACCUMULATOR_TYPE, myWindowFunction, resultType);
 * global = LocalGlobalAggregation.mergePartials(partials, "my-job/global", partial -> "*", ...);
 * }</pre>
 *
 * Late events are at {@code partials.getSideOutput(lateEventsTag)}, late partials at {@code
 * result.getSideOutput(latePartials(accumulatorType))}.
 */
public final class LocalGlobalAggregation {
  private LocalGlobalAggregation() {}

  /** The local half: the input must carry timestamps and watermarks. */
  public static <IN, ACC> SingleOutputStreamOperator<WindowPartial<ACC>> localPartials(
      DataStream<IN> input,
      String uid,
      KeySelector<IN, String> key,
      WindowAssigner<Object, TimeWindow> windows,
      Duration allowedLateness,
      AggregateFunction<IN, ACC, ?> aggregate,
      TypeInformation<ACC> accumulatorType,
      int maxPartials,
      OutputTag<IN> lateEvents) {
    return localPartials(
        input, uid, key, windows, allowedLateness, aggregate, accumulatorType, maxPartials, lateEvents, null);
  }

  /**
   * The local half with all-keys partials labelled {@code allKeysLabel} (null: none) besides the per-key ones: for a
   * global aggregate per window, take {@link #allKeysPartials}; for the per-key one, {@link #perKeyPartials}.
   */
  public static <IN, ACC> SingleOutputStreamOperator<WindowPartial<ACC>> localPartials(
      DataStream<IN> input,
      String uid,
      KeySelector<IN, String> key,
      WindowAssigner<Object, TimeWindow> windows,
      Duration allowedLateness,
      AggregateFunction<IN, ACC, ?> aggregate,
      TypeInformation<ACC> accumulatorType,
      int maxPartials,
      OutputTag<IN> lateEvents,
      String allKeysLabel) {
    return input
        .transform(
            uid.substring(uid.lastIndexOf('/') + 1),
            WindowPartial.typeInfo(accumulatorType),
            new LocalWindowAggregator<>(
                key, windows, allowedLateness, aggregate, maxPartials, lateEvents, allKeysLabel))
        .uid(uid);
  }

  /** The per-key partials of a local half with all-keys partials; {@code uid} names the (stateless) filter. */
  public static <ACC> DataStream<WindowPartial<ACC>> perKeyPartials(
      DataStream<WindowPartial<ACC>> partials, String uid) {
    return partials.filter(partial -> !partial.allKeys).uid(uid).name(uid.substring(uid.lastIndexOf('/') + 1));
  }

  /** The all-keys partials of a local half with all-keys partials; {@code uid} names the (stateless) filter. */
  public static <ACC> DataStream<WindowPartial<ACC>> allKeysPartials(
      DataStream<WindowPartial<ACC>> partials, String uid) {
    return partials.filter(partial -> partial.allKeys).uid(uid).name(uid.substring(uid.lastIndexOf('/') + 1));
  }

  /** The global half: partials keyed by {@code key}, merged per window, turned into results on each firing. */
  public static <ACC, OUT> SingleOutputStreamOperator<OUT> mergePartials(
      DataStream<WindowPartial<ACC>> partials,
      String uid,
      KeySelector<WindowPartial<ACC>, String> key,
      Duration allowedLateness,
      AggregateFunction<?, ACC, ?> aggregate,
      TypeInformation<ACC> accumulatorType,
      NumberedFiringWindowFunction<ACC, OUT> windowFunction,
      TypeInformation<OUT> resultType) {
    return partials
        .keyBy(key, Types.STRING)
        .window(new PartialWindows())
        .allowedLateness(allowedLateness)
        .sideOutputLateData(latePartials(accumulatorType))
        .aggregate(new MergePartials<>(aggregate), windowFunction, accumulatorType, accumulatorType, resultType)
        .uid(uid)
        .name(uid.substring(uid.lastIndexOf('/') + 1));
  }

  /**
   * The global half over the local half's tumbling windows of {@code size}, on a {@link PaneWindowOperator}: partials
   * merge in memory, keyed state is written before checkpoint barriers instead of read and written per partial, and
   * windows fire from memory. Results, firing numbers and late partials are those of {@link #mergePartials}, whose
   * state (window contents, firing numbers, timers) this restores under the same uid. Not for randomized aggregates.
   *
   * @param maxHeld the most (key, window) accumulators, firing numbers and timers a subtask holds in memory
   */
  public static <ACC, OUT> SingleOutputStreamOperator<OUT> mergePartialsInPanes(
      DataStream<WindowPartial<ACC>> partials,
      String uid,
      KeySelector<WindowPartial<ACC>, String> key,
      Duration size,
      Duration allowedLateness,
      AggregateFunction<?, ACC, ?> aggregate,
      TypeInformation<ACC> accumulatorType,
      WindowResult<String, ACC, OUT> result,
      TypeInformation<OUT> resultType,
      int maxHeld) {
    String name = uid.substring(uid.lastIndexOf('/') + 1);
    return partials
        .keyBy(key, Types.STRING)
        .transform(
            name,
            resultType,
            new PaneWindowOperator<String, WindowPartial<ACC>, ACC, OUT, WindowPartial<ACC>>(
                PaneWindows.tumbling(size),
                allowedLateness,
                new MergePartials<>(aggregate),
                accumulatorType.createSerializer(partials.getExecutionConfig().getSerializerConfig()),
                result,
                latePartials(accumulatorType),
                (partial, window) -> partial,
                maxHeld,
                true))
        .uid(uid)
        .name(name);
  }

  /** The side output of partials that reach the global half after their window's allowed lateness. */
  public static <ACC> OutputTag<WindowPartial<ACC>> latePartials(TypeInformation<ACC> accumulatorType) {
    return new OutputTag<>("late-partials", WindowPartial.typeInfo(accumulatorType));
  }
}
