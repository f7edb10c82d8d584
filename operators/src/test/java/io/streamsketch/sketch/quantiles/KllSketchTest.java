package io.streamsketch.sketch.quantiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KllSketchTest {
  @ParameterizedTest
  @ValueSource(ints = {Integer.MIN_VALUE, -1, 0, 7, 65_536, Integer.MAX_VALUE})
  void aKOutsideTheRangeIsRejected(int k) {
    assertThatThrownBy(() -> KllSketch.create(k))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("k must be in [8, 65535]");
    assertThatThrownBy(() -> KllSketch.normalizedRankError(k)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theDefaultKIs200AndTheExtremeKsWork() {
    assertThat(KllSketch.create().k()).isEqualTo(200);
    for (int k : new int[] {8, 65_535}) {
      KllSketch sketch = KllSketch.create(k);
      for (int i = 0; i < 100_000; i++) {
        sketch.update(i);
      }
      assertThat(sketch.k()).isEqualTo(k);
      assertThat(sketch.n()).isEqualTo(100_000);
      assertThat(sketch.retainedItems()).isLessThanOrEqualTo(KllParameters.totalCapacity(k, sketch.numLevels()));
    }
  }

  @Test
  void theStatedErrorIsDataSketchesFormula() {
    assertThat(KllSketch.normalizedRankError(200)).isCloseTo(0.01329, within(1e-5));
    assertThat(KllSketch.normalizedRankError(200, true)).isCloseTo(0.01652, within(1e-5));
    assertThat(KllSketch.create(400).normalizedRankError(false)).isEqualTo(KllSketch.normalizedRankError(400));
  }

  @Test
  void anEmptySketchAnswersNoQuery() {
    KllSketch empty = KllSketch.create();
    assertThat(empty.isEmpty()).isTrue();
    assertThat(empty.n()).isZero();
    assertThat(empty.retainedItems()).isZero();
    assertThat(empty.isEstimationMode()).isFalse();
    for (Runnable query :
        new Runnable[] {
          () -> empty.rank(1), () -> empty.quantile(0.5), () -> empty.min(), () -> empty.max(),
          () -> empty.cdf(new double[] {1}), () -> empty.pmf(new double[] {1})
        }) {
      assertThatThrownBy(query::run).isInstanceOf(IllegalStateException.class).hasMessageContaining("empty");
    }
  }

  @Test
  void oneItem() {
    KllSketch sketch = KllSketch.create();
    sketch.update(3.5);
    assertThat(sketch.min()).isEqualTo(3.5);
    assertThat(sketch.max()).isEqualTo(3.5);
    assertThat(sketch.quantile(0)).isEqualTo(3.5);
    assertThat(sketch.quantile(0.5)).isEqualTo(3.5);
    assertThat(sketch.quantile(1)).isEqualTo(3.5);
    assertThat(sketch.rank(3.4)).isZero();
    assertThat(sketch.rank(3.5)).isEqualTo(1);
    assertThat(sketch.pmf(new double[] {3, 4})).containsExactly(0, 1, 0);
  }

  @Test
  void nanIsRejectedAsAnItemAQueryAndASplitPoint() {
    KllSketch sketch = KllSketch.create();
    assertThatThrownBy(() -> sketch.update(Double.NaN)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("NaN");
    assertThat(sketch.n()).isZero();
    sketch.update(1);
    assertThatThrownBy(() -> sketch.rank(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> sketch.cdf(new double[] {0, Double.NaN})).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> sketch.quantile(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> sketch.quantile(1.5)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> sketch.quantile(-0.1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void splitPointsMustBeStrictlyIncreasing() {
    KllSketch sketch = KllSketch.create();
    sketch.update(1);
    assertThatThrownBy(() -> sketch.pmf(new double[] {2, 2})).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("strictly increasing");
    assertThatThrownBy(() -> sketch.cdf(new double[] {2, 1})).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void infinitiesAreOrdinaryItems() {
    KllSketch sketch = KllSketch.create(8, 1);
    for (int i = 0; i < 10_000; i++) {
      sketch.update(i % 3 == 0 ? Double.NEGATIVE_INFINITY : i % 3 == 1 ? Double.POSITIVE_INFINITY : 0);
    }
    assertThat(sketch.min()).isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat(sketch.max()).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(sketch.quantile(0.5)).isEqualTo(0);
    assertThat(sketch.rank(Double.POSITIVE_INFINITY)).isEqualTo(1);
    assertThat(sketch.rank(-1)).isCloseTo(1.0 / 3, within(0.1));
    assertThat(sketch.rank(Double.NEGATIVE_INFINITY)).isCloseTo(1.0 / 3, within(0.1));
  }

  @Test
  void duplicatesAreCountedWithTheirMultiplicity() {
    KllSketch sketch = KllSketch.create(200, 3);
    for (int i = 0; i < 100_000; i++) {
      sketch.update(i % 10 < 7 ? 5 : 9);
    }
    assertThat(sketch.isEstimationMode()).isTrue();
    assertThat(sketch.rank(4.9)).isZero();
    assertThat(sketch.rank(5)).isCloseTo(0.7, within(KllSketch.normalizedRankError(200)));
    assertThat(sketch.rank(9)).isEqualTo(1);
    assertThat(sketch.quantile(0.5)).isEqualTo(5);
    assertThat(sketch.quantile(0.8)).isEqualTo(9);
  }

  @Test
  void upToKItemsEverythingIsExact() {
    int k = 200;
    KllSketch sketch = KllSketch.create(k);
    double[] items = RankErrors.permutation(k, 11);
    for (double item : items) {
      sketch.update(item);
    }
    assertThat(sketch.isEstimationMode()).isFalse();
    assertThat(sketch.retainedItems()).isEqualTo(k);
    for (int v = 0; v < k; v++) {
      assertThat(sketch.rank(v)).isEqualTo((v + 1) / (double) k);
      assertThat(sketch.quantile((v + 1) / (double) k)).isEqualTo(v);
    }
    assertThat(sketch.quantile(0.0001)).isEqualTo(0);
    assertThat(sketch.cdf(new double[] {-1, 49.5, 199})).containsExactly(0, 0.25, 1, 1);
    assertThat(sketch.pmf(new double[] {-1, 49.5, 199})).containsExactly(0, 0.25, 0.75, 0);
    sketch.update(200);
    assertThat(sketch.isEstimationMode()).isTrue();
    assertThat(sketch.numLevels()).isEqualTo(2);
  }

  @Test
  void nMinAndMaxAreExactAndEstimatesStayWithinTheBound() {
    KllSketch sketch = KllSketch.create(200, 5);
    double[] items = RankErrors.permutation(100_000, 5);
    for (double item : items) {
      sketch.update(item - 50_000);
    }
    assertThat(sketch.n()).isEqualTo(100_000);
    assertThat(sketch.min()).isEqualTo(-50_000);
    assertThat(sketch.max()).isEqualTo(49_999);
    assertThat(sketch.quantile(0)).isEqualTo(-50_000);
    assertThat(sketch.quantile(1)).isEqualTo(49_999);
    double error = KllSketch.normalizedRankError(200);
    for (double r : new double[] {0.01, 0.25, 0.5, 0.9, 0.99}) {
      double q = sketch.quantile(r);
      assertThat(sketch.rank(q)).isGreaterThanOrEqualTo(r);
      assertThat((q + 50_000 + 1) / 100_000).isCloseTo(r, within(error));
    }
    double[] pmf = sketch.pmf(new double[] {-25_000, 0, 25_000});
    assertThat(Arrays.stream(pmf).sum()).isCloseTo(1, within(1e-12));
  }

  @Test
  void theSameSeedAndUpdatesGiveTheSameSketchAndAnotherSeedAnother() {
    double[] items = RankErrors.permutation(50_000, 1);
    KllSketch a = KllSketch.create(100, 9);
    KllSketch b = KllSketch.create(100, 9);
    KllSketch c = KllSketch.create(100, 10);
    for (double item : items) {
      a.update(item);
      b.update(item);
      c.update(item);
    }
    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b).isNotEqualTo(c);
    assertThat(a.copy()).isEqualTo(a);
  }

  @Test
  void aCopyIsIndependent() {
    KllSketch sketch = KllSketch.create(8, 1);
    for (int i = 0; i < 1_000; i++) {
      sketch.update(i);
    }
    KllSketch copy = sketch.copy();
    copy.update(5_000);
    assertThat(sketch.n()).isEqualTo(1_000);
    assertThat(sketch.max()).isEqualTo(999);
    assertThat(copy.max()).isEqualTo(5_000);
  }

  @Test
  void mergingEmptySketchesChangesNothing() {
    KllSketch empty = KllSketch.create(100, 1);
    empty.merge(KllSketch.create(100, 2));
    assertThat(empty.isEmpty()).isTrue();
    assertThat(empty.k()).isEqualTo(100);

    KllSketch full = KllSketch.create(100, 3);
    for (int i = 0; i < 10_000; i++) {
      full.update(i);
    }
    KllSketch before = full.copy();
    full.merge(KllSketch.create(100, 4));
    assertThat(full).isEqualTo(before);

    KllSketch target = KllSketch.create(100, 5);
    target.merge(full);
    assertThat(target.n()).isEqualTo(10_000);
    assertThat(target.min()).isZero();
    assertThat(target.max()).isEqualTo(9_999);
    assertThat(target.retainedItems()).isEqualTo(full.retainedItems());
    assertThat(target.quantile(0.5)).isEqualTo(full.quantile(0.5));
  }

  @Test
  void mergingSketchesOfDifferentKTakesTheSmallerK() {
    KllSketch large = KllSketch.create(400, 1);
    KllSketch small = KllSketch.create(50, 2);
    for (int i = 0; i < 100_000; i++) {
      (i % 2 == 0 ? large : small).update(i);
    }
    KllSketch intoLarge = large.copy();
    intoLarge.merge(small);
    KllSketch intoSmall = small.copy();
    intoSmall.merge(large);
    for (KllSketch merged : new KllSketch[] {intoLarge, intoSmall}) {
      assertThat(merged.k()).isEqualTo(50);
      assertThat(merged.n()).isEqualTo(100_000);
      assertThat(merged.min()).isZero();
      assertThat(merged.max()).isEqualTo(99_999);
      assertThat(merged.retainedItems()).isLessThanOrEqualTo(KllParameters.totalCapacity(50, merged.numLevels()));
      assertThat(merged.normalizedRankError(false)).isEqualTo(KllSketch.normalizedRankError(50));
      assertThat(merged.rank(49_999)).isCloseTo(0.5, within(KllSketch.normalizedRankError(50)));
    }
  }

  @Test
  void aSketchMergedIntoItselfCountsItsItemsTwice() {
    KllSketch sketch = KllSketch.create(100, 1);
    for (int i = 0; i < 1_000; i++) {
      sketch.update(i);
    }
    sketch.merge(sketch);
    assertThat(sketch.n()).isEqualTo(2_000);
    assertThat(sketch.rank(499)).isCloseTo(0.5, within(KllSketch.normalizedRankError(100)));
  }

  @Test
  void mergedExactSketchesStayExactWhileWithinCapacity() {
    KllSketch a = KllSketch.create(200, 1);
    KllSketch b = KllSketch.create(200, 2);
    for (int i = 0; i < 100; i++) {
      a.update(i);
      b.update(100 + i);
    }
    a.merge(b);
    assertThat(a.isEstimationMode()).isFalse();
    for (int v = 0; v < 200; v++) {
      assertThat(a.rank(v)).isEqualTo((v + 1) / 200.0);
    }
  }
}
