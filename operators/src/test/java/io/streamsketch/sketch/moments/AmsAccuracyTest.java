package io.streamsketch.sketch.moments;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsketch.sketch.testing.Binomial;
import io.streamsketch.sketch.testing.ZipfGenerator;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The stated bound: the estimate is within (1 ± ε)·F2 with probability at least 1 − δ over the seed. Each of {@link
 * #TRIALS} seeded trials draws a stream and a sketch seed; the number of trials outside the bound is binomial with
 * p ≤ δ, and the test fails if it exceeds the binomial upper quantile at significance level {@link #ALPHA} = 0.001
 * (a correct sketch fails this test with probability at most 0.001; the seeds are fixed, so it is deterministic).
 *
 * <p>Each trial updates the sketch once per item with the item's net frequency in the stream: the counters are
 * linear, so this is exactly the sketch of the element-by-element stream ({@code AmsSketchTest} checks this through
 * merges), at a fraction of the cost. The merged case sketches the stream's odd and even elements apart and merges.
 */
class AmsAccuracyTest {
  private static final int TRIALS = 200;
  private static final double ALPHA = 0.001;
  private static final double EPSILON = 0.25;
  private static final double DELTA = 0.1;
  private static final int DISTINCT = 500;
  private static final int ELEMENTS = 10_000;

  /** A stream of (item, weight) elements: items in [0, DISTINCT). */
  private record Element(int item, int weight) {}

  private interface StreamMaker {
    Element[] make(long seed);
  }

  static Stream<Arguments> kinds() {
    StreamMaker zipf = seed -> inserts(new ZipfGenerator(DISTINCT, 1.1, seed).stream(ELEMENTS));
    StreamMaker uniform = seed -> inserts(new SplittableRandom(seed).ints(ELEMENTS, 0, DISTINCT).toArray());
    // Zipf inserts, then deletions of uniformly drawn items: net frequencies of both signs.
    StreamMaker turnstile =
        seed -> {
          Element[] all = Arrays.copyOf(zipf.make(seed), ELEMENTS + ELEMENTS / 2);
          SplittableRandom random = new SplittableRandom(~seed);
          for (int i = ELEMENTS; i < all.length; i++) {
            all[i] = new Element(random.nextInt(DISTINCT), -1);
          }
          return all;
        };
    return Stream.of(Arguments.of("Zipf 1.1", zipf), Arguments.of("uniform", uniform), Arguments.of("turnstile", turnstile));
  }

  static Stream<Arguments> streams() {
    return kinds().flatMap(kind -> Stream.of(false, true).map(merged -> Arguments.of(kind.get()[0], kind.get()[1], merged)));
  }

  @ParameterizedTest(name = "{0}, merged {2}")
  @MethodSource("streams")
  void theEstimateIsWithinTheStatedBoundAtTheStatedRate(String name, StreamMaker streams, boolean merged) {
    double delta = AmsSketch.create(EPSILON, DELTA, 0).delta();
    assertThat(delta).isLessThanOrEqualTo(DELTA);
    int outside = 0;
    for (int trial = 0; trial < TRIALS; trial++) {
      Element[] stream = streams.make(1_000L + trial);
      long[] net = new long[DISTINCT];
      long[][] halves = new long[2][DISTINCT];
      for (int i = 0; i < stream.length; i++) {
        net[stream[i].item] += stream[i].weight;
        halves[i % 2][stream[i].item] += stream[i].weight;
      }
      long seed = 31L * trial + 7;
      AmsSketch sketch;
      if (merged) {
        sketch = sketchOf(halves[0], seed);
        sketch.merge(sketchOf(halves[1], seed));
      } else {
        sketch = sketchOf(net, seed);
      }
      double f2 = 0;
      for (long f : net) {
        f2 += (double) f * f;
      }
      if (Math.abs(sketch.estimate() - f2) > EPSILON * f2) {
        outside++;
      }
    }
    int allowed = Binomial.upperQuantile(TRIALS, delta, ALPHA);
    assertThat(outside)
        .as("%s (merged %s): trials outside (1 ± %s)·F2 of %d, δ = %.4f", name, merged, EPSILON, TRIALS, delta)
        .isLessThanOrEqualTo(allowed);
  }

  /**
   * Sharper than the (loose) Chebyshev bound: a group mean of s1 squared counters is unbiased with variance {@code
   * 2(F2² − F4)/s1}, so over the trials' seeds the average of one-group estimates is within 3.29 standard errors of
   * F2 (two-sided, significance 0.001, normal approximation of a mean of 200). Biased or correlated signs fail this.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("kinds")
  void aGroupMeanIsAnUnbiasedEstimateOfF2(String name, StreamMaker streams) {
    int countersPerGroup = 64;
    long[] net = new long[DISTINCT];
    for (Element element : streams.make(99)) {
      net[element.item] += element.weight;
    }
    double f2 = 0;
    double f4 = 0;
    for (long f : net) {
      f2 += (double) f * f;
      f4 += Math.pow(f, 4);
    }
    double sum = 0;
    for (int trial = 0; trial < TRIALS; trial++) {
      AmsSketch sketch = AmsSketch.ofShape(countersPerGroup, 1, 5_000L + trial);
      for (int item = 0; item < DISTINCT; item++) {
        sketch.update(item, net[item]);
      }
      sum += sketch.estimate();
    }
    double standardError = Math.sqrt(2 * (f2 * f2 - f4) / countersPerGroup / TRIALS);
    assertThat(Math.abs(sum / TRIALS - f2) / standardError).as("%s: |mean − F2| in standard errors", name)
        .isLessThan(3.29);
  }

  private static AmsSketch sketchOf(long[] frequencies, long seed) {
    AmsSketch sketch = AmsSketch.create(EPSILON, DELTA, seed);
    for (int item = 0; item < frequencies.length; item++) {
      sketch.update(item, frequencies[item]);
    }
    return sketch;
  }

  private static Element[] inserts(int[] items) {
    Element[] elements = new Element[items.length];
    for (int i = 0; i < items.length; i++) {
      elements[i] = new Element(items[i], 1);
    }
    return elements;
  }
}
