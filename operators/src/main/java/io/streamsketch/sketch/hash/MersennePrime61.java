package io.streamsketch.sketch.hash;

/**
 * Arithmetic modulo the Mersenne prime p = 2^61 − 1, without division, for hash families over the field of p (the
 * Count-Min rows' pairwise-independent lines, the AMS signs' four-wise-independent cubics). 2^61 ≡ 1 (mod p), so a
 * reduction adds the bits above 61 to the low 61.
 */
public final class MersennePrime61 {
  /** 2^61 − 1. */
  public static final long PRIME = (1L << 61) - 1;

  private MersennePrime61() {}

  /** An unsigned 64-bit value (a hash) reduced to [0, p). */
  public static long mod(long hash) {
    long sum = (hash & PRIME) + (hash >>> 61);
    return sum >= PRIME ? sum - PRIME : sum;
  }

  /** {@code (a·x + b) mod p} for a, b, x in [0, p). */
  public static long multiplyAdd(long a, long x, long b) {
    // a, x < 2^61, so a·x < 2^122 = hi·2^64 + lo with hi < 2^58; 2^64 ≡ 8 and 2^61 ≡ 1 (mod p).
    long lo = a * x;
    long hi = Math.multiplyHigh(a, x);
    long sum = (hi << 3) + (lo >>> 61) + (lo & PRIME) + b; // < 3·2^61 + 8, no overflow
    sum = (sum & PRIME) + (sum >>> 61);
    return sum >= PRIME ? sum - PRIME : sum;
  }
}
