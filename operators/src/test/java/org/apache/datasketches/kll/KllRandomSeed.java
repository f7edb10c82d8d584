package org.apache.datasketches.kll;

/**
 * Seeds DataSketches' KLL compaction coin, a package-private static {@code java.util.Random} shared by all its KLL
 * sketches, so that the baseline tests against it are deterministic. Lives in DataSketches' package (test sources
 * only) to reach that field without reflection.
 */
public final class KllRandomSeed {
  private KllRandomSeed() {}

  public static void seed(long seed) {
    KllSketch.random.setSeed(seed);
  }
}
