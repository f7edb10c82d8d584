package io.streamsketch.jobs.verify;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Joins a sketch job's results to the firings of its verify window, keyed by (window start, key), pairing the result
 * of firing n with the check of firing n, and emits the result with the exact and DataSketches values ({@link
 * #enrich}).
 *
 * <p>Both windows see the same events: the verify partials come from a {@code LocalWindowAggregator} chained next to
 * the sketch's, on the same subtask, watermarks and lateness, so both take the same late-event decisions and flush at
 * the same points, and both global windows fire with {@code EventTimeTrigger} at the watermark and once per late
 * flush. Firing numbers can only diverge when a late partial of one subtask races the other subtask's watermark
 * differently into the two global windows (the partial lands before the watermark in one, after it in the other).
 * Then, at the window's cleanup time (end + allowed lateness, when both windows have fired for the last time), the
 * window's last check, which holds exactly the events of the sketch's last firing, goes to the record that stands:
 * results still unpaired are emitted with it; if instead checks are left over (the verify window fired more often),
 * the last result is emitted once more, unchanged but for this check and a firing number one higher. The metrics
 * {@code unpairedResults} and {@code unpairedChecks} count such windows' records. The same cleanup clears all state.
 */
public abstract class ResultPairing<R> extends KeyedCoProcessFunction<String, R, CheckFiring, R> {
  private static final long serialVersionUID = 1L;

  private final TypeInformation<R> resultType;
  private final long allowedLatenessMillis;

  private transient MapState<Integer, R> results;
  private transient MapState<Integer, CheckFiring> checks;
  private transient ValueState<CheckFiring> lastCheck;
  private transient ValueState<R> lastResult;
  private transient Counter unpairedResults;
  private transient Counter unpairedChecks;

  protected ResultPairing(TypeInformation<R> resultType, long allowedLatenessMillis) {
    this.resultType = resultType;
    this.allowedLatenessMillis = allowedLatenessMillis;
  }

  /** The firing number of a result. */
  protected abstract int firing(R result);

  /** Sets the firing number of a result. */
  protected abstract void setFiring(R result, int firing);

  /** The end of a result's window, exclusive. */
  protected abstract long windowEnd(R result);

  /** {@code result} with the exact and DataSketches values of {@code check} filled in. */
  protected abstract R enrich(R result, WindowCheck check);

  /** Wires {@code pairing} between {@code results} (keyed by {@code resultKey}) and {@code checks}. */
  public static <R> SingleOutputStreamOperator<R> pair(
      DataStream<R> results,
      KeySelector<R, String> resultKey,
      DataStream<CheckFiring> checks,
      ResultPairing<R> pairing,
      String uid) {
    return results
        .connect(checks)
        .keyBy(resultKey, ResultPairing::checkKey, Types.STRING)
        .process(pairing, pairing.resultType)
        .uid(uid)
        .name(uid.substring(uid.lastIndexOf('/') + 1));
  }

  /** The pairing key of a result for (window start, key); checks are keyed alike by {@link #checkKey}. */
  public static String pairingKey(long windowStart, String key) {
    return windowStart + "/" + key;
  }

  private static String checkKey(CheckFiring check) {
    return pairingKey(check.windowStart, check.key);
  }

  @Override
  public void open(OpenContext openContext) {
    results = getRuntimeContext().getMapState(new MapStateDescriptor<>("unpaired-results", Types.INT, resultType));
    checks = getRuntimeContext().getMapState(new MapStateDescriptor<>("unpaired-checks", Types.INT, CheckFiring.TYPE));
    lastCheck = getRuntimeContext().getState(new ValueStateDescriptor<>("last-check", CheckFiring.TYPE));
    lastResult = getRuntimeContext().getState(new ValueStateDescriptor<>("last-result", resultType));
    unpairedResults = getRuntimeContext().getMetricGroup().counter("unpairedResults");
    unpairedChecks = getRuntimeContext().getMetricGroup().counter("unpairedChecks");
  }

  @Override
  public void processElement1(R result, Context context, Collector<R> out) throws Exception {
    context.timerService().registerEventTimeTimer(windowEnd(result) - 1 + allowedLatenessMillis);
    CheckFiring check = checks.get(firing(result));
    if (check == null) {
      results.put(firing(result), result);
    } else {
      checks.remove(firing(result));
      emit(enrich(result, check.check), out);
    }
  }

  @Override
  public void processElement2(CheckFiring check, Context context, Collector<R> out) throws Exception {
    context.timerService().registerEventTimeTimer(check.windowEnd - 1 + allowedLatenessMillis);
    CheckFiring last = lastCheck.value();
    if (last == null || check.firing > last.firing) {
      lastCheck.update(check);
    }
    R result = results.get(check.firing);
    if (result == null) {
      checks.put(check.firing, check);
    } else {
      results.remove(check.firing);
      emit(enrich(result, check.check), out);
    }
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext context, Collector<R> out) throws Exception {
    List<R> unpaired = new ArrayList<>();
    for (Map.Entry<Integer, R> result : results.entries()) {
      unpaired.add(result.getValue());
    }
    unpaired.sort(Comparator.comparingInt(this::firing));
    long leftOverChecks = 0;
    for (Map.Entry<Integer, CheckFiring> ignored : checks.entries()) {
      leftOverChecks++;
    }
    CheckFiring last = lastCheck.value();
    for (R result : unpaired) {
      unpairedResults.inc();
      // Without any check (not expected: both windows see the same events), the result still goes out, unverified.
      out.collect(last == null ? result : enrich(result, last.check));
    }
    R previous = lastResult.value();
    if (unpaired.isEmpty() && leftOverChecks > 0 && previous != null) {
      unpairedChecks.inc(leftOverChecks);
      setFiring(previous, firing(previous) + 1);
      out.collect(enrich(previous, last.check));
    }
    results.clear();
    checks.clear();
    lastCheck.clear();
    lastResult.clear();
  }

  private void emit(R result, Collector<R> out) throws Exception {
    R previous = lastResult.value();
    if (previous == null || firing(result) > firing(previous)) {
      lastResult.update(result);
    }
    out.collect(result);
  }
}
