package io.streamsketch.flink.aggregate;

import io.streamsketch.flink.serde.SkipReservoirSerializer;
import io.streamsketch.sketch.hash.MurmurHash3;
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
 * <h2>Seeds</h2>
 *
 * A merged sample is uniform only if the reservoirs merged made independent draws. Every subtask runs its own copy of
 * this function, so each reservoir's generator is seeded from {@code seed} <em>and</em> where it is created:
 *
 * <ul>
 *   <li>{@link LocalWindowAggregator} creates each reservoir with {@link #createAccumulator(String, int, int, long, long)}:
 *       its seed is a MurmurHash3 of (subtask, attempt, flush, window start, key) with {@code seed}, so no two
 *       reservoirs of a run share one, and a run is reproducible as far as the order of the elements and the flushes is;
 *   <li>a keyed window creates them with {@link #createAccumulator()}: generators split off one seeded with a hash of
 *       {@code seed}, independent of each other within a subtask and of the local reservoirs' (the draws of a merge
 *       on the global side are independent of the samples it merges). Copies of this function on different subtasks
 *       of a keyed window split off the same sequence, so the samples of two keys may be correlated, each of them
 *       uniform: do not merge samples of different keys of a keyed window.
 * </ul>
 *
 * A restored reservoir continues unseeded (see {@link SkipReservoirSerializer}).
 */
public final class ReservoirAggregate<T>
    implements AggregateFunction<T, SkipReservoir<T>, SkipReservoir<T>>, RandomizedAggregate<SkipReservoir<T>> {
  private static final long serialVersionUID = 1L;

  /** Hashed with the seed for the keyed windows' generators; no local reservoir's scope is 8 bytes long. */
  private static final long KEYED_WINDOW_STREAM = -1L;

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

  /** For a keyed window: see "Seeds" in the class documentation. */
  @Override
  public SkipReservoir<T> createAccumulator() {
    if (random == null) {
      random = new SplittableRandom(MurmurHash3.hash128(KEYED_WINDOW_STREAM, seed).h1());
    }
    return SkipReservoir.create(k, random.split());
  }

  /** For {@link LocalWindowAggregator}: a reservoir seeded by where it is created; see "Seeds". */
  @Override
  public SkipReservoir<T> createAccumulator(String key, int subtask, int attempt, long flush, long windowStart) {
    return SkipReservoir.create(
        k, new SplittableRandom(RandomizedAggregate.scopedSeed(seed, key, subtask, attempt, flush, windowStart)));
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
