package io.streamsketch.sketch.bloom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.apache.datasketches.filters.bloomfilter.BloomFilterBuilder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Our filter against DataSketches' at equal memory: the same number of bits and of hashes. */
class BloomFilterBaselineTest {
  private static final long SEED = 9001;
  private static final int ITEMS = 100_000;
  private static final int PROBES = 1_000_000;

  @ParameterizedTest
  @ValueSource(doubles = {0.01, 0.001})
  void falsePositiveRateMatchesDataSketchesAtEqualMemory(double target) {
    BloomFilter ours = BloomFilter.forExpectedItems(ITEMS, target, SEED);
    org.apache.datasketches.filters.bloomfilter.BloomFilter theirs =
        BloomFilterBuilder.createBySize(ours.numBits(), ours.numHashes(), SEED);
    assertThat(theirs.getCapacity()).isEqualTo(ours.numBits());
    for (long i = 0; i < ITEMS; i++) {
      ours.add(i);
      theirs.update(i);
    }
    long oursPositives = 0;
    long theirsPositives = 0;
    for (long i = ITEMS; i < ITEMS + PROBES; i++) {
      oursPositives += ours.mightContain(i) ? 1 : 0;
      theirsPositives += theirs.query(i) ? 1 : 0;
    }
    assertThat((double) oursPositives).isCloseTo(theirsPositives, within(0.1 * theirsPositives));
  }
}
