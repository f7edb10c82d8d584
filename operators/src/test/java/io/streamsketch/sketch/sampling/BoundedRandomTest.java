package io.streamsketch.sketch.sampling;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

/**
 * The bounded draws are in range and uniform. Chi-square tests at significance level 0.001, seeded (deterministic). The
 * bounds {@code 3·2^29} and {@code 3·2^61} make a multiply-and-shift without rejection visibly biased: each value
 * {@code ≡ 2 (mod 3)} would be reached from 2 words in 8 rather than 8/3, so its residue would have probability 1/4
 * rather than 1/3; they also reject one word in 8, which exercises the rejection loop.
 */
class BoundedRandomTest {
  private static final int DRAWS = 60_000;
  /** Chi-square critical values at 0.001 for 1, 2 and 6 degrees of freedom. */
  private static final double CRITICAL_DF_1 = 10.828;
  private static final double CRITICAL_DF_2 = 13.816;
  private static final double CRITICAL_DF_6 = 22.458;

  @Test
  void intDrawsAreInRangeAndUniform() {
    SplittableRandom random = new SplittableRandom(31);
    for (int bound : new int[] {1, 2, 3, 7, 1_000, 3 << 29, Integer.MAX_VALUE}) {
      for (int i = 0; i < 10_000; i++) {
        assertThat(BoundedRandom.nextInt(random, bound)).isBetween(0, bound - 1);
      }
    }
    assertThat(chiSquare(7, () -> BoundedRandom.nextInt(random, 7))).isLessThan(CRITICAL_DF_6);
    assertThat(chiSquare(3, () -> BoundedRandom.nextInt(random, 3 << 29) % 3)).isLessThan(CRITICAL_DF_2);
  }

  @Test
  void longDrawsAreInRangeAndUniform() {
    SplittableRandom random = new SplittableRandom(37);
    for (long bound : new long[] {1, 2, 3, 7, 1_000, 2_000_001, 3L << 61, Long.MAX_VALUE}) {
      for (int i = 0; i < 10_000; i++) {
        assertThat(BoundedRandom.nextLong(random, bound)).isBetween(0L, bound - 1);
      }
    }
    assertThat(chiSquare(7, () -> BoundedRandom.nextLong(random, 7))).isLessThan(CRITICAL_DF_6);
    assertThat(chiSquare(3, () -> BoundedRandom.nextLong(random, 3L << 61) % 3)).isLessThan(CRITICAL_DF_2);
    // The top half of the largest bound is reached half the time: the sign correction of the unsigned product.
    assertThat(chiSquare(2, () -> BoundedRandom.nextLong(random, Long.MAX_VALUE) >>> 62)).isLessThan(CRITICAL_DF_1);
  }

  /** Pearson's statistic of {@code DRAWS} draws against the uniform distribution on {@code cells} values. */
  private static double chiSquare(int cells, LongSupplier draw) {
    long[] counts = new long[cells];
    for (int i = 0; i < DRAWS; i++) {
      counts[(int) draw.getAsLong()]++;
    }
    double expected = (double) DRAWS / cells;
    double statistic = 0;
    for (long count : counts) {
      statistic += (count - expected) * (count - expected) / expected;
    }
    return statistic;
  }
}
