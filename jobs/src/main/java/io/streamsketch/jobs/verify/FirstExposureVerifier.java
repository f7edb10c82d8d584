package io.streamsketch.jobs.verify;

import io.streamsketch.model.AdExposure;
import org.apache.datasketches.filters.bloomfilter.BloomFilter;
import org.apache.datasketches.filters.bloomfilter.BloomFilterBuilder;
import org.apache.datasketches.memory.Memory;
import org.apache.datasketches.memory.WritableMemory;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * {@code first-exposure --verify}: adds to each answer, keyed by ad like the answer itself, the exact answer (every
 * user of the ad in a {@code MapState}) and the answer of a DataSketches Bloom filter with the same number of bits and
 * hashes and the same rotation (two generations, a new one after {@code capacity} certainly-new users), so the
 * output shows the accuracy live.
 *
 * <p>The DataSketches filters live in state as their own serialized form, a byte array that the filter wraps and
 * updates in place, so they need no serializer of their own. Each impression reads and writes them: this mode is
 * for checking accuracy, not for speed.
 */
public final class FirstExposureVerifier extends KeyedProcessFunction<String, AdExposure, AdExposure> {
  private static final long serialVersionUID = 1L;

  private static final MapStateDescriptor<String, Boolean> USERS =
      new MapStateDescriptor<>("exact-users", Types.STRING, Types.BOOLEAN);
  private static final ValueStateDescriptor<byte[]> CURRENT =
      new ValueStateDescriptor<>("datasketches-current", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO);
  private static final ValueStateDescriptor<byte[]> PREVIOUS =
      new ValueStateDescriptor<>("datasketches-previous", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO);
  private static final ValueStateDescriptor<Long> CURRENT_INSERTIONS =
      new ValueStateDescriptor<>("datasketches-current-insertions", Types.LONG);

  private final long capacity;
  private final long numBits;
  private final int numHashes;
  private final long seed;

  private transient MapState<String, Boolean> users;
  private transient ValueState<byte[]> current;
  private transient ValueState<byte[]> previous;
  private transient ValueState<Long> currentInsertions;

  /** A verifier of filters with {@code capacity} users per generation, {@code numBits} bits and {@code numHashes}. */
  public FirstExposureVerifier(long capacity, long numBits, int numHashes, long seed) {
    this.capacity = capacity;
    this.numBits = numBits;
    this.numHashes = numHashes;
    this.seed = seed;
  }

  @Override
  public void open(OpenContext openContext) {
    users = getRuntimeContext().getMapState(USERS);
    current = getRuntimeContext().getState(CURRENT);
    previous = getRuntimeContext().getState(PREVIOUS);
    currentInsertions = getRuntimeContext().getState(CURRENT_INSERTIONS);
  }

  @Override
  public void processElement(AdExposure answer, Context context, Collector<AdExposure> out) throws Exception {
    boolean exactSeen = users.contains(answer.userId);
    if (!exactSeen) {
      users.put(answer.userId, Boolean.TRUE);
    }
    answer.exactSeenBefore = exactSeen;
    answer.datasketchesSeenBefore = addAndCheck(answer.userId);
    out.collect(answer);
  }

  /** The rotation of {@link io.streamsketch.sketch.bloom.RotatingBloomFilter}, on DataSketches filters. */
  private boolean addAndCheck(String userId) throws Exception {
    byte[] currentBytes = current.value();
    if (currentBytes == null) {
      currentBytes = emptyFilter();
    }
    if (BloomFilter.writableWrap(WritableMemory.writableWrap(currentBytes)).queryAndUpdate(userId)) {
      return true;
    }
    byte[] previousBytes = previous.value();
    boolean seen = previousBytes != null && BloomFilter.wrap(Memory.wrap(previousBytes)).query(userId);
    long insertions = currentInsertions.value() == null ? 1 : currentInsertions.value() + 1;
    if (insertions >= capacity) {
      previous.update(currentBytes);
      currentBytes = emptyFilter();
      insertions = 0;
    }
    current.update(currentBytes);
    currentInsertions.update(insertions);
    return seen;
  }

  private byte[] emptyFilter() {
    byte[] bytes = new byte[(int) BloomFilter.getSerializedSize(numBits)];
    BloomFilterBuilder.initializeBySize(numBits, numHashes, seed, WritableMemory.writableWrap(bytes));
    return bytes;
  }
}
