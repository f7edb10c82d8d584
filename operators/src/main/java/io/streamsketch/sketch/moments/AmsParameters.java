package io.streamsketch.sketch.moments;

import java.util.function.Function;

/**
 * The shape of an {@link AmsSketch}, {@code s1} counters per group and {@code s2} groups, derived from (ε, δ), and
 * the guarantee of a shape.
 *
 * <h2>The constants</h2>
 *
 * A counter is {@code Z = Σ_i f_i·σ(i)} with σ four-wise independent ±1 signs, so {@code E[Z²] = F2} (pairwise
 * independence cancels the cross terms) and {@code Var[Z²] = 2(F2² − F4) ≤ 2·F2²} (four-wise independence cancels
 * every term but the pairs). The mean Y of s1 independent squared counters has {@code Var[Y] ≤ 2·F2²/s1}; by
 * Chebyshev, {@code P(|Y − F2| > ε·F2) ≤ 2/(s1·ε²)}. With {@code s1 = ⌈16/ε²⌉} a group fails with probability at most
 * q = 1/8.
 *
 * <p>The median of s2 independent groups fails only if at least half the groups fail. By the Chernoff–Hoeffding
 * bound in its relative-entropy form, {@code P(Bin(s2, q) ≥ s2/2) ≤ exp(−s2·D(1/2 ‖ q))} with {@code D(1/2 ‖ 1/8) =
 * ½·ln(16/7) ≈ 0.4133}, so {@code s2 = ⌈2·ln(1/δ) / ln(16/7)⌉ ≈ ⌈2.42·ln(1/δ)⌉} groups give failure probability at
 * most δ. (Among constants c in {@code s1 = c/ε²}, c = 16 nearly minimises the total {@code s1·s2}: c = 8 needs
 * 44% more counters, c = 32 14% more.) The estimate is the lower median (the ⌈s2/2⌉-th smallest group mean); it
 * is outside (1 ± ε)·F2 only if at least s2/2 groups are, as the bound requires.
 *
 * <p>A shape given directly guarantees the effective {@link #epsilon(int)} = √(16/s1) and {@link #delta(int)} =
 * (7/16)^(s2/2), which are at most the requested ε and δ for a shape derived from them.
 */
public final class AmsParameters {
  /** The failure probability of one group that s1 = 16/ε² counters guarantee by Chebyshev. */
  static final double GROUP_FAILURE = 1.0 / 8;
  /** 16 = 2 / {@link #GROUP_FAILURE}. */
  static final double COUNTERS_CONSTANT = 16;
  /** D(1/2 ‖ 1/8) = ½·ln(16/7), the Chernoff exponent per group. */
  static final double GROUP_EXPONENT = 0.5 * Math.log(16.0 / 7.0);
  /**
   * The most counters of a sketch (s1·s2), 40 MiB serialized: each update touches every counter, so a larger sketch
   * is too slow to be useful as well as too big for state.
   */
  public static final int MAX_COUNTERS = 1 << 20;

  private AmsParameters() {}

  /** s1 = ⌈16/ε²⌉, for ε in (0, 1). */
  public static int countersPerGroup(double epsilon) {
    checkEpsilon(epsilon);
    double s1 = Math.ceil(COUNTERS_CONSTANT / (epsilon * epsilon));
    if (s1 > MAX_COUNTERS) {
      throw new IllegalArgumentException(
          "epsilon " + epsilon + " needs " + (long) s1 + " counters per group, more than the maximum " + MAX_COUNTERS
              + " counters of a sketch");
    }
    return (int) s1;
  }

  /** s2 = ⌈2·ln(1/δ) / ln(16/7)⌉, at least 1, for δ in (0, 1). */
  public static int groups(double delta) {
    checkDelta(delta);
    return (int) Math.max(1, Math.ceil(Math.log(1 / delta) / GROUP_EXPONENT));
  }

  /** The effective ε of s1 counters per group: √(16/s1). */
  public static double epsilon(int countersPerGroup) {
    return Math.sqrt(COUNTERS_CONSTANT / countersPerGroup);
  }

  /** The effective δ of s2 groups: exp(−s2·½·ln(16/7)). */
  public static double delta(int groups) {
    return Math.exp(-groups * GROUP_EXPONENT);
  }

  /** Fails unless s1 ≥ 1, s2 ≥ 1 and s1·s2 ≤ {@link #MAX_COUNTERS}, with the exception {@code error} makes of the message. */
  static void checkShape(int countersPerGroup, int groups, Function<String, RuntimeException> error) {
    if (countersPerGroup < 1) {
      throw error.apply("counters per group must be >= 1: " + countersPerGroup);
    }
    if (groups < 1) {
      throw error.apply("groups must be >= 1: " + groups);
    }
    if ((long) countersPerGroup * groups > MAX_COUNTERS) {
      throw error.apply(
          countersPerGroup + " counters per group × " + groups + " groups exceeds the maximum of " + MAX_COUNTERS
              + " counters");
    }
  }

  private static void checkEpsilon(double epsilon) {
    if (!(epsilon > 0 && epsilon < 1)) {
      throw new IllegalArgumentException("epsilon must be in (0, 1): " + epsilon);
    }
  }

  private static void checkDelta(double delta) {
    if (!(delta > 0 && delta < 1)) {
      throw new IllegalArgumentException("delta must be in (0, 1): " + delta);
    }
  }
}
