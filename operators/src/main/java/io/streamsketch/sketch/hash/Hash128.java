package io.streamsketch.sketch.hash;

/**
 * A 128-bit hash as two 64-bit halves, {@code h1} first as in the reference MurmurHash3 output. Short-lived
 * instances are scalar-replaced by the JIT on hot paths.
 */
public record Hash128(long h1, long h2) {}
