package io.streamsketch.sketch.quantiles;

import io.streamsketch.sketch.SketchFamily;
import io.streamsketch.sketch.SketchFormat;
import io.streamsketch.sketch.SketchFormatException;
import java.util.Arrays;
import java.util.Objects;

/**
 * A KLL quantile sketch of doubles (Karnin, Lang and Liberty 2016, "Optimal quantile approximation in streams", as
 * Apache DataSketches implements it): from about 3k retained items it answers ranks, quantiles, CDFs and PMFs of a
 * stream of any length, with a normalized rank error that depends on k only ({@link #normalizedRankError(int,
 * boolean)}: about 1.33% for one rank at 99% confidence at the default k = 200).
 *
 * <ul>
 *   <li>State and capacities: {@link KllLevels}, {@link KllParameters} (k in [8, 65535], levels of capacity
 *       decaying by 2/3 from the top, at least 8).
 *   <li>Compaction: {@link KllCompactor} (lazy; sort, keep the odd or the even items, chosen by a seeded coin,
 *       {@link CompactionRandom}).
 *   <li>Estimation: {@link KllSortedView} (rank, quantile, CDF, PMF); min, max and n are exact.
 *   <li>Merge: {@link KllMerge} (the result takes the smaller k).
 * </ul>
 *
 * <p>Up to k items the sketch retains them all and every answer is exact. NaN is rejected (DataSketches ignores it
 * silently); infinities are ordinary items. Queries on an empty sketch throw {@link IllegalStateException}.
 *
 * <p>The compaction coin is seeded and its state is part of the sketch, so the same seed, updates and merges give
 * the same sketch, and a restored sketch continues exactly as the original would. Sketches that will be merged
 * should be seeded differently, so their coins are independent.
 *
 * <h2>Binary format, version 1</h2>
 *
 * Inside the {@link SketchFormat} envelope (family {@link SketchFamily#KLL}); little-endian:
 *
 * <pre>
 * offset  size  field
 * 0       4     envelope header
 * 4       4     k, in [8, 65535]
 * 8       8     n, the number of items summarized, at least 0
 * 16      8     the compaction coin's state (SplitMix64)
 * 24      8     min, the smallest item (NaN if and only if n = 0)
 * 32      8     max, the largest item (NaN if and only if n = 0), at least min
 * 40      1     L, the number of levels, in [1, 61]
 * 41      4·L   the sizes s_0 .. s_(L−1) of the levels: Σ s_h·2^h = n, Σ s_h at most the total capacity for k and L
 * 41+4L   8·Σs  the items as doubles, level 0 first: level 0 in arrival order, the others ascending; none NaN,
 *               each in [min, max]
 * end     4     CRC-32C trailer
 * </pre>
 *
 * Every length is checked against the bytes left before anything is allocated. {@code
 * src/test/resources/fixtures/kll/} holds bytes of version 1 that every later version must read.
 *
 * <p>Not thread-safe.
 */
public final class KllSketch {
  /** The seed of the compaction coin when none is given. */
  public static final long DEFAULT_SEED = 0x6B6C6CL;
  /** The largest serialized sketch: k = 65535 with 61 levels full. */
  public static final int MAX_SERIALIZED_BYTES = KllFormat.MAX_SERIALIZED_BYTES;

  private final KllLevels levels;
  private final CompactionRandom coin;
  /** The estimator, built on the first query after a change. */
  private KllSortedView sortedView;

  private KllSketch(KllLevels levels, CompactionRandom coin) {
    this.levels = levels;
    this.coin = coin;
  }

  /** An empty sketch of the default k (200) and seed. */
  public static KllSketch create() {
    return create(KllParameters.DEFAULT_K);
  }

  /** An empty sketch of this k, with the default seed. */
  public static KllSketch create(int k) {
    return create(k, DEFAULT_SEED);
  }

  /**
   * An empty sketch.
   *
   * @throws IllegalArgumentException if k is not in [{@link KllParameters#MIN_K}, {@link KllParameters#MAX_K}]
   */
  public static KllSketch create(int k, long seed) {
    return new KllSketch(new KllLevels(KllParameters.checkK(k)), new CompactionRandom(seed));
  }

  /**
   * The normalized rank error at 99% confidence for this k (see {@link KllParameters}).
   *
   * @param doubleSided false for one rank, quantile or CDF value; true for a PMF bucket
   */
  public static double normalizedRankError(int k, boolean doubleSided) {
    return KllParameters.normalizedRankError(k, doubleSided);
  }

  /** The single-sided normalized rank error at 99% confidence for this k: of one rank, quantile or CDF value. */
  public static double normalizedRankError(int k) {
    return normalizedRankError(k, false);
  }

  /** This sketch's normalized rank error at 99% confidence (its k after merges). */
  public double normalizedRankError(boolean doubleSided) {
    return normalizedRankError(levels.k, doubleSided);
  }

  /**
   * Adds an item.
   *
   * @throws IllegalArgumentException if the item is NaN, which has no rank
   */
  public void update(double item) {
    KllSortedView.checkNotNaN(item, "item");
    if (levels.n == Long.MAX_VALUE) {
      throw new IllegalStateException("the sketch already holds " + Long.MAX_VALUE + " items");
    }
    KllCompactor.makeRoomForOne(levels, coin);
    levels.appendToLevelZero(item);
    levels.count(item);
    sortedView = null;
  }

  /**
   * Adds {@code other}'s items to this sketch, whose k becomes the smaller of the two. {@code other} is not changed.
   *
   * @throws IllegalArgumentException if the item counts add up beyond a long
   */
  public void merge(KllSketch other) {
    Objects.requireNonNull(other, "other");
    KllSketch source = other == this ? copy() : other;
    KllMerge.merge(levels, coin, source.levels, source.coin.state());
    sortedView = null;
  }

  /** The estimator over the retained items; cached until the next update or merge. */
  public KllSortedView sortedView() {
    checkNotEmpty();
    if (sortedView == null) {
      sortedView = KllSortedView.of(levels);
    }
    return sortedView;
  }

  /** The estimated fraction of the items {@code ≤ value}. */
  public double rank(double value) {
    return sortedView().rank(value);
  }

  /** The estimated quantile of a normalized rank in [0, 1] (see {@link KllSortedView#quantile}). */
  public double quantile(double rank) {
    return sortedView().quantile(rank);
  }

  /** The estimated quantiles of several ranks. */
  public double[] quantiles(double[] ranks) {
    KllSortedView view = sortedView();
    return Arrays.stream(ranks).map(view::quantile).toArray();
  }

  /** The estimated CDF at strictly increasing split points (see {@link KllSortedView#cdf}). */
  public double[] cdf(double[] splitPoints) {
    return sortedView().cdf(splitPoints);
  }

  /** The estimated PMF of the intervals between strictly increasing split points (see {@link KllSortedView#pmf}). */
  public double[] pmf(double[] splitPoints) {
    return sortedView().pmf(splitPoints);
  }

  /** The smallest item, exactly. */
  public double min() {
    checkNotEmpty();
    return levels.min;
  }

  /** The largest item, exactly. */
  public double max() {
    checkNotEmpty();
    return levels.max;
  }

  /** The number of items summarized, exactly. */
  public long n() {
    return levels.n;
  }

  public boolean isEmpty() {
    return levels.n == 0;
  }

  /** Whether some items were compacted away, so that answers are estimates; false while every item is retained. */
  public boolean isEstimationMode() {
    return levels.n > levels.retained;
  }

  public int k() {
    return levels.k;
  }

  /** The number of items retained. */
  public int retainedItems() {
    return levels.retained;
  }

  public int numLevels() {
    return levels.numLevels;
  }

  public KllSketch copy() {
    return new KllSketch(levels.copy(), new CompactionRandom(coin.state()));
  }

  /** The serialized size in bytes, envelope included. */
  public int serializedSizeBytes() {
    return SketchFormat.HEADER_BYTES + KllFormat.payloadBytes(levels.numLevels, levels.retained)
        + SketchFormat.TRAILER_BYTES;
  }

  /** Serializes in the format documented on this class. */
  public byte[] toBytes() {
    return KllFormat.write(levels, coin.state());
  }

  /**
   * Reads a sketch written by {@link #toBytes()}.
   *
   * @throws SketchFormatException if the bytes are truncated, corrupt, of another family or version, or describe an
   *     invalid sketch
   */
  public static KllSketch fromBytes(byte[] bytes) {
    KllFormat.Decoded decoded = KllFormat.read(bytes);
    return new KllSketch(decoded.levels(), new CompactionRandom(decoded.coinState()));
  }

  private void checkNotEmpty() {
    if (levels.n == 0) {
      throw new IllegalStateException("the sketch is empty: it has no ranks, quantiles, minimum or maximum");
    }
  }

  /** Equal sketches have the same k, n, extremes, coin state and levels (level 0 in the same order). */
  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof KllSketch that)) {
      return false;
    }
    KllLevels a = levels;
    KllLevels b = that.levels;
    if (a.k != b.k || a.n != b.n || a.numLevels != b.numLevels || Double.compare(a.min, b.min) != 0
        || Double.compare(a.max, b.max) != 0 || coin.state() != that.coin.state()) {
      return false;
    }
    for (int level = 0; level < a.numLevels; level++) {
      if (!Arrays.equals(a.items[level], 0, a.sizes[level], b.items[level], 0, b.sizes[level])) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    int hash = Objects.hash(levels.k, levels.n, levels.min, levels.max, coin.state(), levels.numLevels);
    for (int level = 0; level < levels.numLevels; level++) {
      for (int i = 0; i < levels.sizes[level]; i++) {
        hash = 31 * hash + Double.hashCode(levels.items[level][i]);
      }
    }
    return hash;
  }

  @Override
  public String toString() {
    return "KllSketch{k=" + levels.k + ", n=" + levels.n + ", retained=" + levels.retained + ", levels="
        + levels.numLevels + "}";
  }
}
