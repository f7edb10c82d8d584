package io.streamsketch.sketch.moments;

import io.streamsketch.sketch.hash.MersennePrime61;
import java.util.SplittableRandom;

/**
 * The four-wise independent ±1 signs of an {@link AmsSketch}'s counters. Counter j maps an item's 64-bit hash,
 * reduced to x in [0, p) with p = 2^61 − 1, by its own random cubic {@code g_j(x) = a3·x³ + a2·x² + a1·x + a0 mod p},
 * all four coefficients uniform in [0, p): the values of such a polynomial at any four distinct points are
 * independent and uniform (Wegman and Carter). The sign is + for an even g_j(x) and − for an odd one; p is odd, so
 * + is more likely by 1/(2p) ≈ 2^-62, and two items share x with probability about 2^-61: both negligible next to
 * any δ. The coefficients come from the seed by SplitMix64 ({@code SplittableRandom(seed)}, four {@code nextLong(p)}
 * per counter, a0 to a3, counter by counter) and are stored in the format.
 */
final class SignHashes {
  /** Coefficients of counter j at [4j, 4j + 4): a0, a1, a2, a3. Never changed, so copies share the array. */
  final long[] coefficients;

  SignHashes(long[] coefficients) {
    this.coefficients = coefficients;
  }

  static SignHashes draw(int counters, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    long[] coefficients = new long[4 * counters];
    for (int i = 0; i < coefficients.length; i++) {
      coefficients[i] = random.nextLong(MersennePrime61.PRIME);
    }
    return new SignHashes(coefficients);
  }

  /** Adds {@code weight·σ_j(item)} to every counter j, for an item whose hash is {@code hash}. */
  void addSigned(long hash, long weight, long[] counters) {
    long x = MersennePrime61.mod(hash);
    long[] c = coefficients;
    for (int j = 0, at = 0; j < counters.length; j++, at += 4) {
      // Horner: ((a3·x + a2)·x + a1)·x + a0.
      long g = MersennePrime61.multiplyAdd(c[at + 3], x, c[at + 2]);
      g = MersennePrime61.multiplyAdd(g, x, c[at + 1]);
      g = MersennePrime61.multiplyAdd(g, x, c[at]);
      counters[j] += (g & 1) == 0 ? weight : -weight;
    }
  }
}
