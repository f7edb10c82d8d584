package io.streamsketch.flink.aggregate;

import io.streamsketch.flink.serde.AmsSketchSerializer;
import io.streamsketch.sketch.moments.AmsSketch;
import java.util.Objects;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.util.function.SerializableFunction;

/**
 * The second frequency moment F2 = Σ f_i² (the self-join size) of an item of each element, as an {@link AmsSketch}
 * whose estimate is within (1 ± ε)·F2 with probability at least 1 − δ. Each element adds its weight (1, or a given
 * weight of either sign) to its item's frequency. The result is the sketch. Accumulators merge exactly (session
 * windows and {@link LocalWindowAggregator} work). Example, the skew of page views per minute:
 *
 * <pre>{@code
 * AmsAggregate<ClickEvent> views = new AmsAggregate<>(e -> e.pageId, 0.1, 0.01, 42);
 * events.keyBy(e -> "*", Types.STRING)
 *     .window(TumblingEventTimeWindows.of(Duration.ofMinutes(1)))
 *     .aggregate(views, myWindowFunction, AmsAggregate.ACCUMULATOR_TYPE, AmsAggregate.ACCUMULATOR_TYPE, resultType);
 * }</pre>
 *
 * <p>Every accumulator takes the same seed, unlike {@link KllAggregate}'s: sketches merge only if they share their
 * sign hashes, and their randomness is in those hashes, not in anything drawn as they run.
 *
 * <p>An item or a weight that is null fails the job with a message: dropping it would change the answer silently.
 * Filter or route such elements before the window.
 */
public final class AmsAggregate<IN> implements AggregateFunction<IN, AmsSketch, AmsSketch> {
  private static final long serialVersionUID = 1L;

  public static final TypeInformation<AmsSketch> ACCUMULATOR_TYPE = AmsSketchSerializer.TYPE_INFO;

  private final SerializableFunction<IN, String> item;
  /** The weight of an element; null for weight 1. */
  private final SerializableFunction<IN, Long> weight;
  private final double epsilon;
  private final double delta;
  private final long seed;

  /** Each element adds 1 to its item's frequency. */
  public AmsAggregate(SerializableFunction<IN, String> item, double epsilon, double delta, long seed) {
    this(item, null, epsilon, delta, seed);
  }

  /**
   * @param item the item whose frequency an element changes, never null
   * @param weight the change, of either sign (a turnstile stream), never null; null for 1 per element
   * @param epsilon the relative error, in (0, 1)
   * @param delta the failure probability, in (0, 1)
   * @param seed the seed of the hashes, the same for every accumulator that merges
   */
  public AmsAggregate(
      SerializableFunction<IN, String> item, SerializableFunction<IN, Long> weight, double epsilon, double delta,
      long seed) {
    this.item = Objects.requireNonNull(item, "item");
    this.weight = weight;
    this.epsilon = epsilon;
    this.delta = delta;
    this.seed = seed;
    createAccumulator(); // invalid ε or δ fail now, with the sketch's message
  }

  @Override
  public AmsSketch createAccumulator() {
    return AmsSketch.create(epsilon, delta, seed);
  }

  @Override
  public AmsSketch add(IN element, AmsSketch sketch) {
    String key = item.apply(element);
    if (key == null) {
      throw new IllegalArgumentException("the item of an element is null: " + element);
    }
    long change = 1;
    if (weight != null) {
      Long given = weight.apply(element);
      if (given == null) {
        throw new IllegalArgumentException("the weight of an element is null: " + element);
      }
      change = given;
    }
    sketch.update(key, change);
    return sketch;
  }

  @Override
  public AmsSketch getResult(AmsSketch sketch) {
    return sketch;
  }

  @Override
  public AmsSketch merge(AmsSketch a, AmsSketch b) {
    a.merge(b);
    return a;
  }
}
