package io.streamsketch.sketch.moments;

import io.streamsketch.sketch.SketchFormatException;
import io.streamsketch.sketch.hash.MurmurHash3;
import java.util.Arrays;
import java.util.Objects;

/**
 * The tug-of-war sketch of Alon, Matias and Szegedy (1996) for the second frequency moment {@code F2 = Σ_i f_i²} of a
 * turnstile stream of (item, weight) pairs, where f_i is the net weight of item i (weights may be negative). F2 is
 * the self-join size of the stream; F2/N² (N the total weight) measures its skew.
 *
 * <h2>Guarantee</h2>
 *
 * {@code s2} groups of {@code s1} counters; counter j holds {@code Z_j = Σ_i f_i·σ_j(i)} with four-wise independent
 * signs σ_j ({@link SignHashes}). The {@link #estimate()} is the median over groups of the mean of the group's
 * squared counters, and {@code |estimate − F2| ≤ ε·F2} with probability at least {@code 1 − δ} over the seed, for
 * ε = {@link #epsilon()} and δ = {@link #delta()}. Built {@linkplain #create(double, double, long) from (ε, δ)},
 * {@code s1 = ⌈16/ε²⌉} and {@code s2 = ⌈2·ln(1/δ)/ln(16/7)⌉}; {@link AmsParameters} derives these constants.
 * F2 = 0 (an empty stream, or weights that cancel) is estimated exactly as 0.
 *
 * <p>Counters are linear in the stream, so sketches of the same shape and seed {@linkplain #merge(AmsSketch) merge}
 * by adding counters, exactly as if one sketch had seen both streams. An update costs three multiplications modulo
 * 2^61 − 1 per counter: s1·s2 counters, for example 1,600 × 12 for ε = 0.1 and δ = 0.01.
 *
 * <p>No counter overflows: each is at most the total absolute weight {@code Σ|w|} ({@link #absoluteWeight()}) in
 * absolute value, and an update or merge that would take that total beyond a long fails and leaves the sketch as it
 * was.
 *
 * <h2>Binary format, version 1</h2>
 *
 * In the {@link io.streamsketch.sketch.SketchFormat} envelope (family 7), little-endian; m = s1·s2:
 *
 * <pre>
 * offset  size   field
 * 4       4      s1, counters per group, ≥ 1
 * 8       4      s2, groups, ≥ 1; s1·s2 ≤ {@link AmsParameters#MAX_COUNTERS}
 * 12      8      seed (of the items' MurmurHash3 and of the sign coefficients)
 * 20      8      absolute weight Σ|w|, ≥ 0
 * 28      32·m   sign coefficients a0, a1, a2, a3 of each counter, each in [0, 2^61 − 1), counter by counter
 * 28+32m  8·m    counters, group by group; each |counter| ≤ absolute weight
 * end     4      CRC-32C trailer
 * </pre>
 *
 * Every field is checked on read; bytes that fail a check raise {@link SketchFormatException}.
 */
public final class AmsSketch {
  /** The largest serialized sketch, of {@link AmsParameters#MAX_COUNTERS} counters. */
  public static final int MAX_SERIALIZED_BYTES = AmsFormat.serializedBytes(AmsParameters.MAX_COUNTERS);

  private final int countersPerGroup;
  private final int groups;
  private final long seed;
  private final SignHashes signs;
  /** Group g's counters are at [g·s1, (g + 1)·s1). */
  private final long[] counters;
  private long absoluteWeight;

  AmsSketch(int countersPerGroup, int groups, long seed, SignHashes signs, long[] counters, long absoluteWeight) {
    this.countersPerGroup = countersPerGroup;
    this.groups = groups;
    this.seed = seed;
    this.signs = signs;
    this.counters = counters;
    this.absoluteWeight = absoluteWeight;
  }

  /**
   * A sketch whose estimate is within (1 ± ε)·F2 with probability at least 1 − δ.
   *
   * @param epsilon the relative error, in (0, 1)
   * @param delta the failure probability, in (0, 1)
   * @param seed the seed of the hashes; only sketches of the same seed merge
   * @throws IllegalArgumentException if ε or δ is out of range, or the sketch would exceed {@link
   *     AmsParameters#MAX_COUNTERS} counters
   */
  public static AmsSketch create(double epsilon, double delta, long seed) {
    int s1 = AmsParameters.countersPerGroup(epsilon);
    int s2 = AmsParameters.groups(delta);
    return ofShape(s1, s2, seed);
  }

  /** A sketch of {@code groups} groups of {@code countersPerGroup} counters; see {@link AmsParameters}. */
  public static AmsSketch ofShape(int countersPerGroup, int groups, long seed) {
    AmsParameters.checkShape(countersPerGroup, groups, IllegalArgumentException::new);
    int m = countersPerGroup * groups;
    return new AmsSketch(countersPerGroup, groups, seed, SignHashes.draw(m, seed), new long[m], 0);
  }

  /** Adds {@code weight} (negative to remove) to a long item's frequency; the item is hashed as 8 bytes. */
  public void update(long item, long weight) {
    add(MurmurHash3.hash128(item, seed).h1(), weight);
  }

  /** Adds {@code weight} (negative to remove) to a string item's frequency; the item is hashed as UTF-8. */
  public void update(String item, long weight) {
    add(MurmurHash3.hash128(Objects.requireNonNull(item, "item"), seed).h1(), weight);
  }

  /** Adds {@code weight} (negative to remove) to a byte-array item's frequency. */
  public void update(byte[] item, long weight) {
    add(MurmurHash3.hash128(Objects.requireNonNull(item, "item"), seed).h1(), weight);
  }

  private void add(long hash, long weight) {
    if (weight == Long.MIN_VALUE) {
      throw new IllegalArgumentException("weight must be > Long.MIN_VALUE: its absolute value is not a long");
    }
    if (weight == 0) {
      return;
    }
    long newAbsoluteWeight = addAbsoluteWeight(Math.abs(weight), "an update of weight " + weight);
    signs.addSigned(hash, weight, counters);
    absoluteWeight = newAbsoluteWeight;
  }

  private long addAbsoluteWeight(long added, String what) {
    try {
      return Math.addExact(absoluteWeight, added);
    } catch (ArithmeticException e) {
      throw new IllegalStateException(
          what + " would take the total absolute weight beyond a long (" + absoluteWeight + " + " + added
              + "), and a counter could overflow; the sketch is unchanged");
    }
  }

  /**
   * The estimate of F2 = Σ f_i²: the median over groups of the mean of the squared counters (for an even number of
   * groups, the lower of the two middle means). 0 for an empty sketch.
   */
  public double estimate() {
    double[] means = new double[groups];
    for (int g = 0; g < groups; g++) {
      double sum = 0;
      for (int j = g * countersPerGroup, end = j + countersPerGroup; j < end; j++) {
        double counter = counters[j];
        sum += counter * counter;
      }
      means[g] = sum / countersPerGroup;
    }
    Arrays.sort(means);
    return means[(groups - 1) / 2];
  }

  /**
   * Adds {@code other}'s counters to this sketch's: afterwards this sketch is exactly the sketch of both streams.
   *
   * @throws IllegalArgumentException if the sketches differ in shape or seed (their counters are not comparable)
   * @throws IllegalStateException if the total absolute weight would overflow a long; this sketch is then unchanged
   */
  public void merge(AmsSketch other) {
    Objects.requireNonNull(other, "other");
    if (other.countersPerGroup != countersPerGroup || other.groups != groups) {
      throw new IllegalArgumentException(
          "cannot merge AMS sketches of different shapes: " + countersPerGroup + " counters × " + groups
              + " groups vs " + other.countersPerGroup + " × " + other.groups);
    }
    if (other.seed != seed || !Arrays.equals(other.signs.coefficients, signs.coefficients)) {
      throw new IllegalArgumentException(
          "cannot merge AMS sketches with different seeds or sign hashes: seed " + seed + " vs " + other.seed);
    }
    long newAbsoluteWeight = addAbsoluteWeight(other.absoluteWeight, "merging a sketch of absolute weight "
        + other.absoluteWeight);
    for (int j = 0; j < counters.length; j++) {
      counters[j] += other.counters[j];
    }
    absoluteWeight = newAbsoluteWeight;
  }

  /** s1, the counters per group. */
  public int countersPerGroup() {
    return countersPerGroup;
  }

  /** s2, the groups. */
  public int groups() {
    return groups;
  }

  public long seed() {
    return seed;
  }

  /** The relative error guaranteed by this sketch's shape, √(16/s1). */
  public double epsilon() {
    return AmsParameters.epsilon(countersPerGroup);
  }

  /** The failure probability guaranteed by this sketch's shape, exp(−s2·½·ln(16/7)). */
  public double delta() {
    return AmsParameters.delta(groups);
  }

  /** Σ|w| over every update and merged sketch: a bound on every counter. */
  public long absoluteWeight() {
    return absoluteWeight;
  }

  public boolean isEmpty() {
    return absoluteWeight == 0;
  }

  /** A deep copy (the sign coefficients, never changed, are shared). */
  public AmsSketch copy() {
    return new AmsSketch(countersPerGroup, groups, seed, signs, counters.clone(), absoluteWeight);
  }

  /** The binary format documented on this class. */
  public byte[] toBytes() {
    return AmsFormat.write(this);
  }

  public int serializedSizeBytes() {
    return AmsFormat.serializedBytes(counters.length);
  }

  /**
   * Reads the binary format documented on this class.
   *
   * @throws SketchFormatException if the bytes are not a valid AMS sketch of a supported version
   */
  public static AmsSketch fromBytes(byte[] bytes) {
    return AmsFormat.read(bytes);
  }

  long[] signCoefficients() {
    return signs.coefficients;
  }

  long[] counters() {
    return counters;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AmsSketch other
        && countersPerGroup == other.countersPerGroup
        && groups == other.groups
        && seed == other.seed
        && absoluteWeight == other.absoluteWeight
        && Arrays.equals(counters, other.counters)
        && Arrays.equals(signs.coefficients, other.signs.coefficients);
  }

  @Override
  public int hashCode() {
    return Objects.hash(countersPerGroup, groups, seed, absoluteWeight, Arrays.hashCode(counters));
  }

  @Override
  public String toString() {
    return "AmsSketch{" + countersPerGroup + " counters × " + groups + " groups, seed " + seed + ", ε " + epsilon()
        + ", δ " + delta() + ", estimate " + estimate() + "}";
  }
}
