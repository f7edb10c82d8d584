package io.streamsketch.sketch.sampling;

import io.streamsketch.sketch.testing.JointInclusion;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Pairs of items are sampled together as often as a uniform sample allows (significance 0.001, see JointInclusion). */
class SkipReservoirJointInclusionTest {
  private static final int N = 40;
  private static final int K = 5;
  private static final int RUNS = 40_000;

  /** Fill phase, fill and skip phase, neighbours (what a flawed skip would correlate), and the rest. */
  private static JointInclusion byPhase() {
    return new JointInclusion(
        N,
        K,
        (i, j) -> j < K ? 0 : i < K ? 1 : j == i + 1 ? 2 : 3,
        "both among the first k",
        "one among the first k",
        "neighbours after the first k",
        "other pairs after the first k");
  }

  @Test
  void aSingleReservoirSamplesEveryPairEquallyOften() {
    SplittableRandom seeds = new SplittableRandom(8);
    JointInclusion test = byPhase();
    for (int run = 0; run < RUNS; run++) {
      SkipReservoir<Long> reservoir = SkipReservoir.create(K, seeds.split());
      for (long item = 0; item < N; item++) {
        reservoir.update(item);
      }
      test.record(reservoir.sample());
    }
    test.assertUniform();
  }

  @Test
  void mergedReservoirsOfIndependentGeneratorsSampleEveryPairEquallyOften() {
    SplittableRandom seeds = new SplittableRandom(9);
    int half = N / 2;
    JointInclusion test =
        new JointInclusion(
            N,
            K,
            (i, j) -> (i < half) == (j < half) ? 0 : j - i == half ? 1 : 2,
            "same side",
            "i-th items of the two sides",
            "other pairs across sides");
    for (int run = 0; run < RUNS; run++) {
      SkipReservoir<Long> left = SkipReservoir.create(K, seeds.split());
      SkipReservoir<Long> right = SkipReservoir.create(K, seeds.split());
      for (long item = 0; item < half; item++) {
        left.update(item);
        right.update(item + half);
      }
      left.merge(right);
      test.record(left.sample());
    }
    test.assertUniform();
  }
}
