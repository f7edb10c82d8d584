package io.streamsketch.flink.serde;

import io.streamsketch.sketch.moments.AmsSketch;
import org.apache.flink.api.common.typeutils.SerializerTestBase;
import org.apache.flink.api.common.typeutils.TypeSerializer;

class AmsSketchSerializerTest extends SerializerTestBase<AmsSketch> {
  @Override
  protected TypeSerializer<AmsSketch> createSerializer() {
    return new AmsSketchSerializer();
  }

  @Override
  protected int getLength() {
    return -1;
  }

  @Override
  protected Class<AmsSketch> getTypeClass() {
    return AmsSketch.class;
  }

  @Override
  protected AmsSketch[] getTestData() {
    AmsSketch empty = AmsSketch.ofShape(1, 1, 0);
    AmsSketch oneItem = AmsSketch.create(0.5, 0.5, 3);
    oneItem.update("page", 3);
    AmsSketch turnstile = AmsSketch.create(0.2, 0.05, 4);
    for (int i = 0; i < 2_000; i++) {
      turnstile.update(i % 97, i % 7 - 3);
    }
    AmsSketch merged = AmsSketch.create(0.2, 0.05, 4);
    merged.update("other", -12);
    merged.merge(turnstile);
    return new AmsSketch[] {empty, oneItem, turnstile, merged};
  }
}
