package io.streamsketch.sketch.bloom;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The false-positive rate of a filter with X of its m bits set is {@code (X/m)^k} when an absent item's k positions
 * behave like independent uniform positions: the formula of {@link BloomFilter#expectedFalsePositiveRate()}. Format
 * version 1 broke it twice: plain double hashing collapses the k positions onto a few bits when the probe step is 0
 * or shares a large power of two with m (a multiple of 64), which shows on small filters; and its two hashes, the
 * halves of one MurmurHash3 of a long, are related, which showed at every size (12% too many false positives at the
 * default 10,000 items at 1%). Items here are longs, and sizes include powers of two, where steps degenerate most.
 *
 * <p>Any double hashing has only m² probe sequences, so a query whose pair of reduced hashes equals an added item's
 * is a false positive for sure: the expectation adds {@code n/m²} for n items (at most 2% of the rate here).
 *
 * <p>Across filters (seeds) and queries of absent items, the false positives are a sum of independent Bernoulli
 * trials given each filter; the total is tested against its expectation two-sided at significance level 0.001 per
 * size (|z| &lt; 3.29, normal approximation of counts of 10,000 and more).
 */
class BloomFilterFalsePositiveTest {
  private static final double Z_CRITICAL = 3.2905;
  private static final int FILTERS = 50;
  private static final int QUERIES_PER_FILTER = 100_000;

  @ParameterizedTest(name = "{0} bits, {1} hashes, {2} items")
  @CsvSource({"95872, 7, 10000", "4096, 10, 283", "1024, 7, 100"})
  void theFalsePositiveRateIsTheFormulaOfTheFill(long numBits, int numHashes, int items) {
    double falsePositives = 0;
    double expected = 0;
    double variance = 0;
    for (int seed = 0; seed < FILTERS; seed++) {
      BloomFilter filter = BloomFilter.withSize(numBits, numHashes, seed);
      for (long item = 0; item < items; item++) {
        filter.add(item);
      }
      double ideal = filter.expectedFalsePositiveRate();
      double p = ideal + (1 - ideal) * items / ((double) numBits * numBits);
      for (long query = 0; query < QUERIES_PER_FILTER; query++) {
        if (filter.mightContain(-1 - query)) {
          falsePositives++;
        }
      }
      expected += QUERIES_PER_FILTER * p;
      variance += QUERIES_PER_FILTER * p * (1 - p);
    }
    double z = (falsePositives - expected) / Math.sqrt(variance);
    assertThat(Math.abs(z))
        .as("%.0f false positives in %d queries, expected %.1f (z = %.2f)", falsePositives,
            (long) FILTERS * QUERIES_PER_FILTER, expected, z)
        .isLessThan(Z_CRITICAL);
  }
}
