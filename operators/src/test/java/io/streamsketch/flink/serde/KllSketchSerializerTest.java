package io.streamsketch.flink.serde;

import io.streamsketch.sketch.quantiles.KllSketch;
import org.apache.flink.api.common.typeutils.SerializerTestBase;
import org.apache.flink.api.common.typeutils.TypeSerializer;

class KllSketchSerializerTest extends SerializerTestBase<KllSketch> {
  @Override
  protected TypeSerializer<KllSketch> createSerializer() {
    return new KllSketchSerializer();
  }

  @Override
  protected int getLength() {
    return -1;
  }

  @Override
  protected Class<KllSketch> getTypeClass() {
    return KllSketch.class;
  }

  @Override
  protected KllSketch[] getTestData() {
    KllSketch empty = KllSketch.create();
    KllSketch exact = KllSketch.create(8, 3);
    exact.update(Double.NEGATIVE_INFINITY);
    exact.update(2.5);
    KllSketch estimating = KllSketch.create(50, 4);
    for (int i = 0; i < 100_000; i++) {
      estimating.update(i * 0.5);
    }
    KllSketch merged = KllSketch.create(200, 5);
    for (int i = 0; i < 5_000; i++) {
      merged.update(-i);
    }
    merged.merge(estimating);
    return new KllSketch[] {empty, exact, estimating, merged};
  }
}
