package io.streamsketch.flink.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamsketch.flink.learning.BayesianLinearRegressionSerializer;
import io.streamsketch.flink.learning.SgdLinearRegressionSerializer;
import io.streamsketch.flink.learning.StreamingKMeansSerializer;
import io.streamsketch.model.ClickEvent;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.stream.Stream;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A corrupt length prefix must fail with an {@link IOException} that says so, before any buffer of the claimed length
 * is allocated: a prefix of 2^30 used to allocate 1 GiB (an OutOfMemoryError at a 256 MiB heap). Allocation is
 * measured with the JVM's per-thread allocation counter, so the check does not depend on the heap size.
 */
class CorruptLengthPrefixTest {
  /** Far more than the test's own bookkeeping allocates, far less than any claimed length below. */
  private static final long ALLOCATION_LIMIT = 8L << 20;

  static Stream<Arguments> serializers() {
    SerializerConfigImpl config = new SerializerConfigImpl();
    config.setGenericTypes(false);
    return Stream.of(
            HyperLogLogSerializer.INSTANCE,
            CountMinSketchSerializer.INSTANCE,
            HeavyHittersSerializer.INSTANCE,
            BloomFilterSerializer.INSTANCE,
            KllSketchSerializer.INSTANCE,
            AmsSketchSerializer.INSTANCE,
            StreamingKMeansSerializer.INSTANCE,
            SgdLinearRegressionSerializer.INSTANCE,
            BayesianLinearRegressionSerializer.INSTANCE,
            SkipReservoirSerializer.typeInfo(Types.STRING).createSerializer(config),
            SkipReservoirSerializer.typeInfo(TypeInformation.of(ClickEvent.class)).createSerializer(config))
        .flatMap(
            serializer ->
                Stream.of(1 << 30, Integer.MAX_VALUE, 100 << 20)
                    .map(length -> Arguments.of(serializer.getClass().getSimpleName(), serializer, length)));
  }

  @ParameterizedTest(name = "{0}, length {2}")
  @MethodSource("serializers")
  void deserializeRejectsAHugeLengthWithoutAllocatingIt(String name, TypeSerializer<?> serializer, int length) {
    assertRejectedWithoutAllocation(() -> serializer.deserialize(prefixed(length)));
  }

  @ParameterizedTest(name = "{0}, length {2}")
  @MethodSource("serializers")
  void copyRejectsAHugeLengthWithoutAllocatingIt(String name, TypeSerializer<?> serializer, int length) {
    DataOutputSerializer target = new DataOutputSerializer(64);
    assertRejectedWithoutAllocation(() -> serializer.copy(prefixed(length), target));
  }

  @ParameterizedTest(name = "{0}, length {2}")
  @MethodSource("serializers")
  void aNegativeLengthIsRejected(String name, TypeSerializer<?> serializer, int ignored) {
    assertThatThrownBy(() -> serializer.deserialize(prefixed(-1)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("length -1");
  }

  /** The length prefix, then 16 bytes: far fewer than claimed. */
  private static DataInputView prefixed(int length) throws IOException {
    DataOutputSerializer out = new DataOutputSerializer(32);
    out.writeInt(length);
    out.write(new byte[16]);
    return new DataInputDeserializer(out.getCopyOfBuffer());
  }

  private static void assertRejectedWithoutAllocation(ThrowingRunnable read) {
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long thread = Thread.currentThread().getId();
    long before = threads.getThreadAllocatedBytes(thread);
    Throwable thrown = null;
    try {
      read.run();
    } catch (Throwable t) {
      thrown = t;
    }
    long allocated = threads.getThreadAllocatedBytes(thread) - before;
    assertThat(thrown).isInstanceOf(IOException.class).hasMessageContaining("corrupt");
    assertThat(allocated).as("bytes allocated while rejecting the prefix").isLessThan(ALLOCATION_LIMIT);
  }

  private interface ThrowingRunnable {
    void run() throws Exception;
  }
}
