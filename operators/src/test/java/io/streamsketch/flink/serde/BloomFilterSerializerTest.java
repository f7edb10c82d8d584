package io.streamsketch.flink.serde;

import io.streamsketch.sketch.bloom.BloomFilter;
import org.apache.flink.api.common.typeutils.SerializerTestBase;
import org.apache.flink.api.common.typeutils.TypeSerializer;

class BloomFilterSerializerTest extends SerializerTestBase<BloomFilter> {
  @Override
  protected TypeSerializer<BloomFilter> createSerializer() {
    return new BloomFilterSerializer();
  }

  @Override
  protected int getLength() {
    return -1;
  }

  @Override
  protected Class<BloomFilter> getTypeClass() {
    return BloomFilter.class;
  }

  @Override
  protected BloomFilter[] getTestData() {
    BloomFilter empty = BloomFilter.forExpectedItems(100, 0.01, 1);
    BloomFilter some = BloomFilter.forExpectedItems(1_000, 0.001, 2);
    for (int i = 0; i < 500; i++) {
      some.add("user-" + i);
    }
    BloomFilter tiny = BloomFilter.withSize(64, 1, 3);
    tiny.add(42L);
    return new BloomFilter[] {empty, some, tiny};
  }
}
