package io.streamsketch.flink.aggregate;

import io.streamsketch.flink.serde.CountMinSketchSerializer;
import io.streamsketch.sketch.cms.CountMinSketch;
import java.util.Objects;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.util.function.SerializableFunction;

/**
 * Frequencies of an item of each element, as a {@link CountMinSketch} with error at most ε·N with probability 1 − δ.
 * The result is the sketch; accumulators merge (session windows work). Example, per-user page frequencies:
 *
 * <pre>{@code
 * events.keyBy(e -> e.userId, Types.STRING)
 *     .window(EventTimeSessionWindows.withGap(Duration.ofMinutes(30)))
 *     .aggregate(new CountMinAggregate<ClickEvent>(e -> e.pageId, 0.001, 0.01, 1), myWindowFunction,
 *         CountMinAggregate.ACCUMULATOR_TYPE, CountMinAggregate.ACCUMULATOR_TYPE, resultType);
 * }</pre>
 */
public final class CountMinAggregate<IN> implements AggregateFunction<IN, CountMinSketch, CountMinSketch> {
  private static final long serialVersionUID = 1L;

  public static final TypeInformation<CountMinSketch> ACCUMULATOR_TYPE = CountMinSketchSerializer.TYPE_INFO;

  private final SerializableFunction<IN, String> item;
  private final double epsilon;
  private final double delta;
  private final long seed;

  public CountMinAggregate(SerializableFunction<IN, String> item, double epsilon, double delta, long seed) {
    this.item = Objects.requireNonNull(item, "item");
    this.epsilon = epsilon;
    this.delta = delta;
    this.seed = seed;
    createAccumulator(); // invalid ε or δ fail now, with the sketch's message
  }

  @Override
  public CountMinSketch createAccumulator() {
    return CountMinSketch.builder().accuracy(epsilon, delta).seed(seed).build();
  }

  @Override
  public CountMinSketch add(IN value, CountMinSketch sketch) {
    sketch.update(item.apply(value), 1);
    return sketch;
  }

  @Override
  public CountMinSketch getResult(CountMinSketch sketch) {
    return sketch;
  }

  @Override
  public CountMinSketch merge(CountMinSketch a, CountMinSketch b) {
    a.merge(b);
    return a;
  }
}
