package io.streamsketch.flink.serde;

import io.streamsketch.sketch.cms.CountMinSketch;
import org.apache.flink.api.common.typeutils.SerializerTestBase;
import org.apache.flink.api.common.typeutils.TypeSerializer;

class CountMinSketchSerializerTest extends SerializerTestBase<CountMinSketch> {
  @Override
  protected TypeSerializer<CountMinSketch> createSerializer() {
    return new CountMinSketchSerializer();
  }

  @Override
  protected int getLength() {
    return -1;
  }

  @Override
  protected Class<CountMinSketch> getTypeClass() {
    return CountMinSketch.class;
  }

  @Override
  protected CountMinSketch[] getTestData() {
    CountMinSketch empty = CountMinSketch.builder().dimensions(8, 2).build();
    CountMinSketch counted = CountMinSketch.builder().accuracy(0.01, 0.01).seed(3).build();
    for (int i = 0; i < 1_000; i++) {
      counted.update("page-" + (i % 37), 1 + i % 3);
    }
    CountMinSketch conservative = CountMinSketch.builder().dimensions(64, 4).conservativeUpdate(true).build();
    conservative.update(42L, 1_000_000);
    return new CountMinSketch[] {empty, counted, conservative};
  }
}
