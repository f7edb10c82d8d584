package io.streamsketch.flink.aggregate;

import io.streamsketch.flink.serde.SkipReservoirSerializer;
import io.streamsketch.sketch.sampling.SkipReservoir;
import java.util.SplittableRandom;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * A uniform sample of k elements of a window: a {@link SkipReservoir} (Algorithm L, which draws random numbers only
 * when it accepts an element). Accumulators merge into a uniform sample of the union, so the sample works with session
 * windows and with {@link LocalWindowAggregator}. Example, 5 events per user session:
 *
 * <pre>{@code
 * ReservoirAggregate<ClickEvent> sample = new ReservoirAggregate<>(5, 42, TypeInformation.of(ClickEvent.class));
 * events.keyBy(e -> e.userId, Types.STRING)
 *     .window(EventTimeSessionWindows.withGap(Duration.ofMinutes(30)))
 *     .aggregate(sample, myWindowFunction, sample.accumulatorType(), sample.accumulatorType(), resultType);
 * }</pre>
 *
 * <p>Each new reservoir draws from a generator split off one seeded with {@code seed}, so a run is reproducible as far
 * as the order of elements is; a restored reservoir continues unseeded (see {@link SkipReservoirSerializer}).
 */
public final class ReservoirAggregate<T> implements AggregateFunction<T, SkipReservoir<T>, SkipReservoir<T>> {
  private static final long serialVersionUID = 1L;

  private final int k;
  private final long seed;
  private final TypeInformation<T> itemType;
  private transient SplittableRandom random;

  public ReservoirAggregate(int k, long seed, TypeInformation<T> itemType) {
    SkipReservoir.create(k); // an invalid k fails now, with the reservoir's message
    this.k = k;
    this.seed = seed;
    this.itemType = itemType;
  }

  /** The accumulator's (and result's) type information, with the item type's own serializer nested. */
  public TypeInformation<SkipReservoir<T>> accumulatorType() {
    return SkipReservoirSerializer.typeInfo(itemType);
  }

  @Override
  public SkipReservoir<T> createAccumulator() {
    if (random == null) {
      random = new SplittableRandom(seed);
    }
    return SkipReservoir.create(k, random.split());
  }

  @Override
  public SkipReservoir<T> add(T value, SkipReservoir<T> reservoir) {
    reservoir.update(value);
    return reservoir;
  }

  @Override
  public SkipReservoir<T> getResult(SkipReservoir<T> reservoir) {
    return reservoir;
  }

  @Override
  public SkipReservoir<T> merge(SkipReservoir<T> a, SkipReservoir<T> b) {
    a.merge(b);
    return a;
  }
}
