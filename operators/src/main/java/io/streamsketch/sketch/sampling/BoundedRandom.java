package io.streamsketch.sketch.sampling;

import java.util.random.RandomGenerator;

/**
 * Exactly uniform draws on {@code [0, bound)} by Lemire's multiply-and-shift ("Fast random integer generation in an
 * interval", ACM TOMACS 2019): the high half of a uniform word times the bound, rejecting the words whose low half
 * falls below {@code (2^w − bound) mod bound}. A division is needed only in the rare case (probability below {@code
 * bound / 2^w}) that the low half is below the bound; {@link RandomGenerator}'s own bounded draws divide on every
 * call, which was most of the time of a reservoir merge (it draws 2k of them).
 */
final class BoundedRandom {
  private BoundedRandom() {}

  /** Uniform on {@code [0, bound)}, for {@code bound ≥ 1}. */
  static int nextInt(RandomGenerator random, int bound) {
    long product = (random.nextInt() & 0xffffffffL) * bound;
    if (Integer.compareUnsigned((int) product, bound) < 0) {
      int threshold = Integer.remainderUnsigned(-bound, bound);
      while (Integer.compareUnsigned((int) product, threshold) < 0) {
        product = (random.nextInt() & 0xffffffffL) * bound;
      }
    }
    return (int) (product >>> Integer.SIZE);
  }

  /** Uniform on {@code [0, bound)}, for {@code bound ≥ 1}. */
  static long nextLong(RandomGenerator random, long bound) {
    long word = random.nextLong();
    if (Long.compareUnsigned(word * bound, bound) < 0) {
      long threshold = Long.remainderUnsigned(-bound, bound);
      while (Long.compareUnsigned(word * bound, threshold) < 0) {
        word = random.nextLong();
      }
    }
    // The high half of the unsigned product: the signed one, plus bound where the word is negative as a signed long.
    return Math.multiplyHigh(word, bound) + (word >> 63 & bound);
  }
}
