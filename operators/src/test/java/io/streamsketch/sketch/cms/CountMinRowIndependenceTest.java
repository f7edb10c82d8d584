package io.streamsketch.sketch.cms;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The Count-Min guarantee multiplies the rows' failure probabilities, so an item must share all {@code depth} of its
 * counters with another item with probability {@code (1/width)^depth}, the product of the rows' collision
 * probabilities. Rows derived from one hash by double hashing ({@code h1 + i·h2}) fail this: two items colliding in
 * rows 0 and 1 have close {@code h1} and {@code h2}, so they tend to collide in every row.
 *
 * <p>Each sketch holds one item with count 1; another item estimates 1 exactly when it shares all its counters with
 * it. Over many sketches (seeds) and queries, the number of such items is binomial with p = (1/width)^depth; it is
 * tested two-sided at significance level 0.001 (|z| &lt; 3.29, normal approximation of counts in the thousands).
 */
class CountMinRowIndependenceTest {
  private static final double Z_CRITICAL = 3.2905;
  private static final int SKETCHES = 40;
  private static final int QUERIES_PER_SKETCH = 200_000;

  @ParameterizedTest(name = "width {0}, depth {1}")
  @CsvSource({"16, 3", "8, 4", "4, 6"})
  void anItemSharesAllItsCountersWithAnotherAsOftenAsIndependentRowsAllow(int width, int depth) {
    long sharing = 0;
    for (int seed = 0; seed < SKETCHES; seed++) {
      CountMinSketch sketch = CountMinSketch.builder().dimensions(width, depth).seed(seed).build();
      sketch.update(-1L - seed, 1);
      for (long query = 0; query < QUERIES_PER_SKETCH; query++) {
        sharing += sketch.estimate(query);
      }
    }
    long trials = (long) SKETCHES * QUERIES_PER_SKETCH;
    double p = Math.pow(1.0 / width, depth);
    double expected = trials * p;
    double z = (sharing - expected) / Math.sqrt(trials * p * (1 - p));
    assertThat(Math.abs(z))
        .as("%d of %d queries share all counters, expected %.0f (z = %.2f)", sharing, trials, expected, z)
        .isLessThan(Z_CRITICAL);
  }
}
