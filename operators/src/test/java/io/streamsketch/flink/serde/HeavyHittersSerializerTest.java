package io.streamsketch.flink.serde;

import io.streamsketch.sketch.cms.CountMinSketch;
import io.streamsketch.sketch.cms.HeavyHitters;
import org.apache.flink.api.common.typeutils.SerializerTestBase;
import org.apache.flink.api.common.typeutils.TypeSerializer;

class HeavyHittersSerializerTest extends SerializerTestBase<HeavyHitters> {
  @Override
  protected TypeSerializer<HeavyHitters> createSerializer() {
    return new HeavyHittersSerializer();
  }

  @Override
  protected int getLength() {
    return -1;
  }

  @Override
  protected Class<HeavyHitters> getTypeClass() {
    return HeavyHitters.class;
  }

  @Override
  protected HeavyHitters[] getTestData() {
    HeavyHitters empty = HeavyHitters.create(3, CountMinSketch.builder().dimensions(16, 2).build());
    HeavyHitters top = HeavyHitters.create(5, CountMinSketch.builder().accuracy(0.01, 0.01).seed(5).build());
    for (int i = 0; i < 2_000; i++) {
      top.update("page-" + (i * i % 101));
    }
    top.update("héllo wörld", 7);
    return new HeavyHitters[] {empty, top};
  }
}
