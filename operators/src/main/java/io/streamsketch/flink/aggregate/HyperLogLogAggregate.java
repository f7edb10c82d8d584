package io.streamsketch.flink.aggregate;

import io.streamsketch.flink.serde.HyperLogLogSerializer;
import io.streamsketch.sketch.hll.HyperLogLog;
import java.util.Objects;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.util.function.SerializableFunction;

/**
 * Distinct count of an item of each element, as a {@link HyperLogLog} of the given precision. The result is the
 * sketch itself, so a window function reads its estimate and error bounds. Accumulators merge, so this also works
 * with session (merging) windows. Pass {@link #ACCUMULATOR_TYPE} explicitly so the state never falls back to Kryo:
 *
 * <pre>{@code
 * events.keyBy(e -> e.pageId, Types.STRING)
 *     .window(TumblingEventTimeWindows.of(Duration.ofMinutes(1)))
 *     .aggregate(new HyperLogLogAggregate<ClickEvent>(e -> e.userId, 12), myWindowFunction,
 *         HyperLogLogAggregate.ACCUMULATOR_TYPE, HyperLogLogAggregate.ACCUMULATOR_TYPE, resultType);
 * }</pre>
 */
public final class HyperLogLogAggregate<IN> implements AggregateFunction<IN, HyperLogLog, HyperLogLog> {
  private static final long serialVersionUID = 1L;

  public static final TypeInformation<HyperLogLog> ACCUMULATOR_TYPE = HyperLogLogSerializer.TYPE_INFO;

  private final SerializableFunction<IN, String> item;
  private final int precision;

  /**
   * @param item the item whose distinct values are counted, never null
   * @param precision p in [{@link HyperLogLog#MIN_PRECISION}, {@link HyperLogLog#MAX_PRECISION}]: 2^p registers,
   *     relative standard error about 1.04 / sqrt(2^p)
   */
  public HyperLogLogAggregate(SerializableFunction<IN, String> item, int precision) {
    this.item = Objects.requireNonNull(item, "item");
    HyperLogLog.create(precision); // fails now, with the sketch's message, rather than on the first event
    this.precision = precision;
  }

  @Override
  public HyperLogLog createAccumulator() {
    return HyperLogLog.create(precision);
  }

  @Override
  public HyperLogLog add(IN value, HyperLogLog sketch) {
    sketch.update(item.apply(value));
    return sketch;
  }

  @Override
  public HyperLogLog getResult(HyperLogLog sketch) {
    return sketch;
  }

  @Override
  public HyperLogLog merge(HyperLogLog a, HyperLogLog b) {
    a.merge(b);
    return a;
  }
}
