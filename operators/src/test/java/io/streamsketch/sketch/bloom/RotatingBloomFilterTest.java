package io.streamsketch.sketch.bloom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RotatingBloomFilterTest {
  @Test
  void neverForgetsAnItemThatOccurredFewerThanCapacityOccurrencesAgo() {
    int capacity = 500;
    RotatingBloomFilter filter = RotatingBloomFilter.create(capacity, 0.01, 1);
    Map<Integer, Integer> lastOccurrence = new HashMap<>();
    SplittableRandom random = new SplittableRandom(5);
    int remembered = 0;
    for (int occurrence = 0; occurrence < 50_000; occurrence++) {
      int item = random.nextInt(3_000);
      boolean seen = filter.addAndCheck("item-" + item);
      Integer last = lastOccurrence.put(item, occurrence);
      // Fewer than `capacity` occurrences, so insertions, since the last one: at most one rotation in between.
      if (last != null && occurrence - last < capacity) {
        assertThat(seen).as("item %d at %d, last at %d", item, occurrence, last).isTrue();
        remembered++;
      }
    }
    assertThat(remembered).isGreaterThan(1_000);
  }

  @Test
  void theStatedRateMatchesTheMeasuredRateAndStaysNearTheDesign() {
    double design = 0.02;
    RotatingBloomFilter filter = RotatingBloomFilter.create(1_000, design, 2);
    double stated = 0;
    long falsePositives = 0;
    int queries = 100_000;
    for (int i = 0; i < queries; i++) {
      double rate = filter.falsePositiveRate();
      assertThat(rate).isLessThan(1 - (1 - 1.3 * design) * (1 - 1.3 * design));
      stated += rate;
      if (filter.addAndCheck("new-" + i)) {
        falsePositives++;
      }
    }
    // Every item is new, so every "seen" is a false positive; their count is a sum of Bernoulli(rate) trials.
    assertThat((double) falsePositives).isCloseTo(stated, offset(4 * Math.sqrt(stated)));
  }

  @Test
  void restoresFromItsParts() {
    RotatingBloomFilter filter = RotatingBloomFilter.create(10, 0.01, 3);
    for (int i = 0; i < 15; i++) {
      filter.addAndCheck("u" + i);
    }
    RotatingBloomFilter restored =
        RotatingBloomFilter.restore(
            10, 0.01, 3, filter.current().copy(), filter.previous().copy(), filter.currentInsertions());
    assertThat(restored.falsePositiveRate()).isEqualTo(filter.falsePositiveRate());
    assertThat(restored.addAndCheck("u3")).isTrue();
    assertThat(restored.addAndCheck("u14")).isTrue();
    assertThat(restored.currentInsertions()).isEqualTo(filter.currentInsertions() + 1);
  }

  @Test
  void rejectsInvalidParameters() {
    assertThatThrownBy(() -> RotatingBloomFilter.create(0, 0.01, 1)).hasMessageContaining("at least 1");
    assertThatThrownBy(() -> RotatingBloomFilter.create(10, 1.0, 1)).hasMessageContaining("(0, 1)");
  }
}
