package io.streamsketch.flink.serde;

import io.streamsketch.sketch.hll.HyperLogLog;
import org.apache.flink.api.common.typeutils.SerializerTestBase;
import org.apache.flink.api.common.typeutils.TypeSerializer;

class HyperLogLogSerializerTest extends SerializerTestBase<HyperLogLog> {
  @Override
  protected TypeSerializer<HyperLogLog> createSerializer() {
    return new HyperLogLogSerializer();
  }

  @Override
  protected int getLength() {
    return -1;
  }

  @Override
  protected Class<HyperLogLog> getTypeClass() {
    return HyperLogLog.class;
  }

  @Override
  protected HyperLogLog[] getTestData() {
    HyperLogLog empty = HyperLogLog.create(4);
    HyperLogLog sparse = HyperLogLog.create(12, 7);
    for (int i = 0; i < 20; i++) {
      sparse.update("user-" + i);
    }
    HyperLogLog dense = HyperLogLog.create(10);
    for (long i = 0; i < 50_000; i++) {
      dense.update(i);
    }
    return new HyperLogLog[] {empty, sparse, dense};
  }
}
