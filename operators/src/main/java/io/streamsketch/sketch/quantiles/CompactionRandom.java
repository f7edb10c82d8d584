package io.streamsketch.sketch.quantiles;

/**
 * The coin of a {@link KllSketch}'s compactions: SplitMix64 (Steele, Lea and Flood 2014), whose whole state is one
 * long. That state is part of the sketch and of its binary format, so a sketch built from the same seed and the
 * same updates and merges is the same sketch, and a restored sketch continues with the draws the original would
 * have made.
 */
final class CompactionRandom {
  private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

  private long state;

  CompactionRandom(long state) {
    this.state = state;
  }

  long state() {
    return state;
  }

  /** A fair coin: which of each pair of items a compaction keeps. */
  boolean nextBoolean() {
    return nextLong() < 0;
  }

  private long nextLong() {
    state += GOLDEN_GAMMA;
    return mix(state);
  }

  /**
   * The state after a merge: a function of both states that equals neither, so the merged sketch's coins are not
   * those either input would have drawn next (two sketches seeded alike would otherwise keep flipping in step).
   */
  void absorb(long otherState) {
    state = mix(state ^ mix(otherState + GOLDEN_GAMMA));
  }

  /** SplitMix64's finalizer (David Stafford's variant 13 of MurmurHash3's fmix64). */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
