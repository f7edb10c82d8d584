package io.streamsketch.flink.aggregate;

import io.streamsketch.flink.serde.KllSketchSerializer;
import io.streamsketch.sketch.hash.MurmurHash3;
import io.streamsketch.sketch.quantiles.KllSketch;
import java.util.Objects;
import java.util.SplittableRandom;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.util.function.SerializableFunction;

/**
 * Quantiles of a numeric value of each element, as a {@link KllSketch} of the given k (rank error {@link
 * KllSketch#normalizedRankError(int)} at 99% confidence, 1.33% at k = 200). The result is the sketch, so a window
 * function reads any quantile, rank, CDF or PMF of it. Accumulators merge (session windows and {@link
 * LocalWindowAggregator} work). Example, the p99 of session durations per page:
 *
 * <pre>{@code
 * KllAggregate<Session> durations = new KllAggregate<>(s -> (double) s.durationMillis, 200, 42);
 * sessions.keyBy(s -> s.entryPage, Types.STRING)
 *     .window(TumblingEventTimeWindows.of(Duration.ofMinutes(1)))
 *     .aggregate(durations, myWindowFunction, KllAggregate.ACCUMULATOR_TYPE, KllAggregate.ACCUMULATOR_TYPE, resultType);
 * }</pre>
 *
 * <p>A value that is null or NaN fails the job with the sketch's message: it has no rank, and dropping it would change
 * every answer silently. Filter or route such elements before the window.
 *
 * <h2>Seeds</h2>
 *
 * Merged sketches should draw independent compaction coins. As for {@link ReservoirAggregate}, {@link
 * LocalWindowAggregator} creates each sketch with a seed hashed from {@code seed} and where it is created ({@link
 * RandomizedAggregate#scopedSeed}), and a keyed window's sketches take successive seeds of a generator seeded from a
 * hash of {@code seed}. A sketch's coin state is part of its state, so a restored sketch draws on as the original.
 */
public final class KllAggregate<IN> implements AggregateFunction<IN, KllSketch, KllSketch>, RandomizedAggregate<KllSketch> {
  private static final long serialVersionUID = 1L;

  public static final TypeInformation<KllSketch> ACCUMULATOR_TYPE = KllSketchSerializer.TYPE_INFO;

  /** Hashed with the seed for the keyed windows' generator; no local sketch's scope is 8 bytes long. */
  private static final long KEYED_WINDOW_STREAM = -1L;

  private final SerializableFunction<IN, Double> value;
  private final int k;
  private final long seed;
  private transient SplittableRandom keyedSeeds;

  /**
   * @param value the value whose quantiles are sketched, never null or NaN
   * @param k the sketch's k, in [8, 65535] (200 is DataSketches' default)
   * @param seed the seed of the sketches' compaction coins
   */
  public KllAggregate(SerializableFunction<IN, Double> value, int k, long seed) {
    this.value = Objects.requireNonNull(value, "value");
    KllSketch.create(k); // an invalid k fails now, with the sketch's message
    this.k = k;
    this.seed = seed;
  }

  /** For a keyed window: see "Seeds" in the class documentation. */
  @Override
  public KllSketch createAccumulator() {
    if (keyedSeeds == null) {
      keyedSeeds = new SplittableRandom(MurmurHash3.hash128(KEYED_WINDOW_STREAM, seed).h1());
    }
    return KllSketch.create(k, keyedSeeds.nextLong());
  }

  /** For {@link LocalWindowAggregator}: a sketch seeded by where it is created; see "Seeds". */
  @Override
  public KllSketch createAccumulator(String key, int subtask, int attempt, long flush, long windowStart) {
    return KllSketch.create(k, RandomizedAggregate.scopedSeed(seed, key, subtask, attempt, flush, windowStart));
  }

  @Override
  public KllSketch add(IN element, KllSketch sketch) {
    Double item = value.apply(element);
    if (item == null) {
      throw new IllegalArgumentException("the value of an element is null: " + element);
    }
    sketch.update(item);
    return sketch;
  }

  @Override
  public KllSketch getResult(KllSketch sketch) {
    return sketch;
  }

  @Override
  public KllSketch merge(KllSketch a, KllSketch b) {
    a.merge(b);
    return a;
  }
}
