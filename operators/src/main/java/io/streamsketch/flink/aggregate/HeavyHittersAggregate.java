package io.streamsketch.flink.aggregate;

import io.streamsketch.flink.serde.HeavyHittersSerializer;
import io.streamsketch.sketch.cms.CountMinSketch;
import io.streamsketch.sketch.cms.HeavyHitters;
import java.util.Objects;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.util.function.SerializableFunction;

/**
 * The most frequent items of a window: {@link HeavyHitters}, a Count-Min sketch (ε, δ) plus the {@code capacity}
 * items with the largest estimates. The result is the tracker ({@code topK()}, {@code sketch().errorBound()});
 * accumulators merge (session windows work). Example, the 10 hottest pages per minute over all events:
 *
 * <pre>{@code
 * events.windowAll(TumblingEventTimeWindows.of(Duration.ofMinutes(1)))
 *     .aggregate(new HeavyHittersAggregate<ClickEvent>(e -> e.pageId, 10, 0.001, 0.01, 1), myAllWindowFunction,
 *         HeavyHittersAggregate.ACCUMULATOR_TYPE, HeavyHittersAggregate.ACCUMULATOR_TYPE, resultType);
 * }</pre>
 *
 * (At scale use {@link LocalWindowAggregator} before the window instead, so the window sees partials.)
 */
public final class HeavyHittersAggregate<IN> implements AggregateFunction<IN, HeavyHitters, HeavyHitters> {
  private static final long serialVersionUID = 1L;

  public static final TypeInformation<HeavyHitters> ACCUMULATOR_TYPE = HeavyHittersSerializer.TYPE_INFO;

  private final SerializableFunction<IN, String> item;
  private final int capacity;
  private final double epsilon;
  private final double delta;
  private final long seed;

  public HeavyHittersAggregate(
      SerializableFunction<IN, String> item, int capacity, double epsilon, double delta, long seed) {
    this.item = Objects.requireNonNull(item, "item");
    this.capacity = capacity;
    this.epsilon = epsilon;
    this.delta = delta;
    this.seed = seed;
    createAccumulator(); // invalid parameters fail now, with the sketch's message
  }

  @Override
  public HeavyHitters createAccumulator() {
    return HeavyHitters.create(capacity, CountMinSketch.builder().accuracy(epsilon, delta).seed(seed).build());
  }

  @Override
  public HeavyHitters add(IN value, HeavyHitters tracker) {
    tracker.update(item.apply(value));
    return tracker;
  }

  @Override
  public HeavyHitters getResult(HeavyHitters tracker) {
    return tracker;
  }

  @Override
  public HeavyHitters merge(HeavyHitters a, HeavyHitters b) {
    a.merge(b);
    return a;
  }
}
