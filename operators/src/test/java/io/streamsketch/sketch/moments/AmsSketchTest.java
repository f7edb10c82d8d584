package io.streamsketch.sketch.moments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AmsSketchTest {
  @Test
  void epsilonAndDeltaOutsideTheOpenUnitIntervalAreRejected() {
    for (double epsilon : new double[] {0, -0.1, 1, 1.5, Double.NaN}) {
      assertThatThrownBy(() -> AmsSketch.create(epsilon, 0.1, 1))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("epsilon must be in (0, 1)");
    }
    for (double delta : new double[] {0, -0.1, 1, 2, Double.NaN}) {
      assertThatThrownBy(() -> AmsSketch.create(0.1, delta, 1))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("delta must be in (0, 1)");
    }
  }

  @Test
  void aSketchBeyondTheMaximumSizeIsRejected() {
    assertThatThrownBy(() -> AmsSketch.create(0.001, 0.1, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("16000000 counters per group, more than the maximum 1048576");
    assertThatThrownBy(() -> AmsSketch.create(0.01, 1e-9, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("160000 counters per group × 51 groups exceeds the maximum of 1048576");
    assertThatThrownBy(() -> AmsSketch.ofShape(0, 3, 1)).hasMessageContaining("counters per group must be >= 1: 0");
    assertThatThrownBy(() -> AmsSketch.ofShape(3, 0, 1)).hasMessageContaining("groups must be >= 1: 0");
  }

  @Test
  void theShapeFollowsTheDocumentedConstantsAndMeetsTheRequest() {
    AmsSketch sketch = AmsSketch.create(0.1, 0.01, 1);
    assertThat(sketch.countersPerGroup()).isEqualTo(1_600);
    // ln(100) / (½·ln(16/7)) = 11.14.
    assertThat(sketch.groups()).isEqualTo(12);
    assertThat(sketch.epsilon()).isLessThanOrEqualTo(0.1);
    assertThat(sketch.delta()).isLessThanOrEqualTo(0.01).isGreaterThan(0.005);
    for (double epsilon : new double[] {0.03, 0.2, 0.5, 0.99}) {
      for (double delta : new double[] {1e-6, 0.05, 0.5, 0.99}) {
        AmsSketch made = AmsSketch.create(epsilon, delta, 1);
        assertThat(made.epsilon()).isLessThanOrEqualTo(epsilon);
        assertThat(made.delta()).isLessThanOrEqualTo(delta);
      }
    }
  }

  @Test
  void anEmptySketchEstimatesZero() {
    AmsSketch sketch = AmsSketch.create(0.2, 0.1, 1);
    assertThat(sketch.isEmpty()).isTrue();
    assertThat(sketch.estimate()).isZero();
    sketch.update("a", 0);
    assertThat(sketch.isEmpty()).isTrue();
    assertThat(sketch).isEqualTo(AmsSketch.create(0.2, 0.1, 1));
  }

  @Test
  void oneItemIsEstimatedExactly() {
    // Every counter is ±f, so every squared counter is f².
    AmsSketch sketch = AmsSketch.create(0.2, 0.1, 5);
    sketch.update("page", 3);
    sketch.update("page", 4);
    assertThat(sketch.estimate()).isEqualTo(49);
    AmsSketch negative = AmsSketch.create(0.2, 0.1, 5);
    negative.update(42L, -1_000_000);
    assertThat(negative.estimate()).isEqualTo(1e12);
  }

  @Test
  void negativeWeightsThatCancelLeaveTheSketchOfTheNetFrequencies() {
    AmsSketch sketch = AmsSketch.create(0.2, 0.1, 9);
    AmsSketch net = AmsSketch.create(0.2, 0.1, 9);
    for (int i = 0; i < 100; i++) {
      sketch.update("item-" + i, i + 1);
    }
    for (int i = 0; i < 100; i++) {
      sketch.update("item-" + i, -(i + 1));
    }
    assertThat(sketch.estimate()).isZero();
    sketch.update("kept", 7);
    sketch.update("gone", 5);
    sketch.update("gone", -5);
    net.update("kept", 7);
    assertThat(sketch.estimate()).isEqualTo(49).isEqualTo(net.estimate());
    // Only the bound on the counters remembers the cancelled weight.
    assertThat(sketch.absoluteWeight()).isEqualTo(2 * 5050 + 7 + 10);
  }

  @Test
  void aMergeIsExactlyTheSketchOfBothStreams() {
    AmsSketch single = AmsSketch.create(0.3, 0.1, 11);
    AmsSketch[] parts = {
      AmsSketch.create(0.3, 0.1, 11), AmsSketch.create(0.3, 0.1, 11), AmsSketch.create(0.3, 0.1, 11)
    };
    SplittableRandom random = new SplittableRandom(3);
    for (int i = 0; i < 3_000; i++) {
      long item = random.nextInt(200);
      long weight = random.nextInt(10) - 3;
      single.update(item, weight);
      parts[i % 3].update(item, weight);
    }
    parts[0].merge(parts[1]);
    parts[0].merge(parts[2]);
    assertThat(parts[0]).isEqualTo(single);
    assertThat(parts[0].estimate()).isEqualTo(single.estimate());
    assertThat(parts[0].toBytes()).isEqualTo(single.toBytes());
  }

  @Test
  void sketchesOfAnotherShapeOrSeedAreRefused() {
    AmsSketch sketch = AmsSketch.create(0.3, 0.1, 11);
    sketch.update("a", 2);
    AmsSketch before = sketch.copy();
    assertThatThrownBy(() -> sketch.merge(AmsSketch.create(0.2, 0.1, 11)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("different shapes: 178 counters × 6 groups vs 400 × 6");
    assertThatThrownBy(() -> sketch.merge(AmsSketch.create(0.3, 0.01, 11)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("different shapes");
    assertThatThrownBy(() -> sketch.merge(AmsSketch.create(0.3, 0.1, 12)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("different seeds or sign hashes: seed 11 vs 12");
    assertThat(sketch).isEqualTo(before);
  }

  @Test
  void weightsThatCouldOverflowACounterAreRejectedAndLeaveTheSketchUnchanged() {
    AmsSketch sketch = AmsSketch.create(0.5, 0.5, 2);
    assertThatThrownBy(() -> sketch.update("a", Long.MIN_VALUE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Long.MIN_VALUE");
    sketch.update("a", Long.MAX_VALUE - 1);
    AmsSketch before = sketch.copy();
    assertThatThrownBy(() -> sketch.update("b", -2))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("the sketch is unchanged");
    AmsSketch other = AmsSketch.create(0.5, 0.5, 2);
    other.update("c", 2);
    assertThatThrownBy(() -> sketch.merge(other)).isInstanceOf(IllegalStateException.class);
    assertThat(sketch).isEqualTo(before);
  }

  @Test
  void aCopyIsIndependent() {
    AmsSketch sketch = AmsSketch.create(0.5, 0.5, 2);
    sketch.update("a", 3);
    AmsSketch copy = sketch.copy();
    copy.update("b", 4);
    assertThat(sketch.estimate()).isEqualTo(9);
    assertThat(copy).isNotEqualTo(sketch);
  }
}
