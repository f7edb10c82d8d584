package io.streamsketch.sketch.sampling;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.apache.datasketches.sampling.ReservoirItemsSketch;
import org.junit.jupiter.api.Test;

/** The same uniformity test on our reservoir and on DataSketches' {@link ReservoirItemsSketch}. */
class SkipReservoirBaselineTest {
  private static final int STREAM = 100;
  private static final int K = 10;
  private static final int RUNS = 20_000;

  @Test
  void bothSampleUniformly() {
    SplittableRandom seeds = new SplittableRandom(77);
    InclusionChiSquare ours = new InclusionChiSquare(STREAM, K);
    InclusionChiSquare theirs = new InclusionChiSquare(STREAM, K);
    for (int run = 0; run < RUNS; run++) {
      SkipReservoir<Long> reservoir = SkipReservoir.create(K, seeds.split());
      ReservoirItemsSketch<Long> sketch = ReservoirItemsSketch.newInstance(K);
      for (long item = 0; item < STREAM; item++) {
        reservoir.update(item);
        sketch.update(item);
      }
      ours.record(reservoir.sample());
      theirs.record(Arrays.asList(sketch.getSamples()));
    }
    assertThat(ours.statistic()).isLessThan(InclusionChiSquare.CRITICAL_99_DF_AT_0_001);
    // DataSketches draws from ThreadLocalRandom, which cannot be seeded: a far smaller significance keeps this
    // assertion from failing by chance (once in a million runs).
    assertThat(theirs.statistic()).isLessThan(InclusionChiSquare.CRITICAL_99_DF_AT_1E_6);
  }
}
