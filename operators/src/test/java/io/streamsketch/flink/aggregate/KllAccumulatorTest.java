package io.streamsketch.flink.aggregate;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsketch.sketch.quantiles.KllSketch;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;

/**
 * {@link KllAccumulator}: what the JobManager does with it (Java serialization of the subtasks' accumulators, then
 * merge) gives the sketch of all their values; clone and reset are independent of the original.
 */
class KllAccumulatorTest {
  @Test
  void serializedAndMergedAccumulatorsHoldTheSketchOfAllValues() throws Exception {
    KllAccumulator first = new KllAccumulator(200, 1);
    KllAccumulator second = new KllAccumulator(200, 2);
    for (int i = 0; i < 1_000; i++) {
      first.add((double) i);
      second.add((double) (1_000 + i));
    }
    KllAccumulator merged = InstantiationUtil.clone(first);
    merged.merge(InstantiationUtil.clone(second));
    KllSketch sketch = KllSketch.fromBytes(merged.getLocalValue());
    assertThat(sketch.n()).isEqualTo(2_000);
    assertThat(sketch.min()).isEqualTo(0.0);
    assertThat(sketch.max()).isEqualTo(1_999.0);
    // Within the single-sided rank error at 99% confidence (1.33% at k = 200) of the exact median, 999.5.
    assertThat(sketch.rank(999)).isBetween(0.5 - 0.0133, 0.5 + 0.0133);
  }

  @Test
  void aCloneAndAResetDoNotTouchTheOriginal() {
    KllAccumulator original = new KllAccumulator(50, 3);
    original.add(1.0);
    KllAccumulator copy = original.clone();
    copy.add(2.0);
    assertThat(KllSketch.fromBytes(original.getLocalValue()).n()).isEqualTo(1);
    assertThat(KllSketch.fromBytes(copy.getLocalValue()).n()).isEqualTo(2);
    copy.resetLocal();
    assertThat(KllSketch.fromBytes(copy.getLocalValue()).isEmpty()).isTrue();
    assertThat(KllSketch.fromBytes(original.getLocalValue()).n()).isEqualTo(1);
  }
}
