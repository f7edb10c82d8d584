package io.streamsketch.flink.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamsketch.model.ClickEvent;
import io.streamsketch.model.EventKind;
import io.streamsketch.sketch.SketchFormatException;
import io.streamsketch.sketch.bloom.BloomFilter;
import io.streamsketch.sketch.cms.CountMinSketch;
import io.streamsketch.sketch.cms.HeavyHitters;
import io.streamsketch.sketch.hll.HyperLogLog;
import io.streamsketch.sketch.sampling.SkipReservoir;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshotSerializationUtil;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Serializer upgrades, in the manner of Flink's {@code TypeSerializerUpgradeTestBase} but without its per-Flink-version
 * machinery (our serializers evolve with our releases, not Flink's): for every sketch serializer, each release folder
 * under {@code src/test/resources/serializer-snapshots/} holds the serializer snapshot and the serialized test data
 * that release wrote. The current code must read the snapshot, find itself compatible as is, restore the data
 * through the old snapshot's serializer, and write it back in the current format. The exception is format-version-1
 * data of Count-Min, heavy hitters and Bloom filters: their hashing changed in version 2, so their counters and bits
 * cannot be reinterpreted, and the current code must refuse them with a message that says so (never restore them).
 *
 * <p>The data are compared through {@code describe}: the facts a format stores (parameters, counts, the sample, an
 * HLL's stored HIP estimate), not {@code equals} with a sketch rebuilt by the current code, whose hashing may
 * legitimately change between releases.
 *
 * <p>A release's files are written by {@link SketchSerializerFixtureWriter}, through
 * {@code scripts/regenerate-savepoint-fixtures.sh RELEASE}.
 */
class SketchSerializerUpgradeTest {
  static final Path ROOT = Paths.get("src/test/resources/serializer-snapshots");

  /**
   * One serializer and the deterministic data each release serialized with it. {@code version1Refusal} is the message
   * with which the current code refuses the sketch's format-version-1 bytes, or null if it restores them.
   */
  record Spec<T>(
      String name,
      Supplier<TypeSerializer<T>> serializer,
      Supplier<List<T>> data,
      Function<T, String> describe,
      String version1Refusal) {}

  /**
   * The serializers and their data. The data are this test's own, not those of the serializers' unit tests: the
   * committed expectations must not follow another test's edits.
   */
  static List<Spec<?>> specs() {
    return List.of(
        new Spec<>("hyperloglog", () -> HyperLogLogSerializer.INSTANCE, SketchSerializerUpgradeTest::hyperLogLogs,
            h -> "p=" + h.precision() + " seed=" + h.seed() + " sparse=" + h.isSparse() + " estimate=" + h.estimate()
                + " registerEstimate=" + h.registerEstimate(), null),
        new Spec<>("count-min", () -> CountMinSketchSerializer.INSTANCE, SketchSerializerUpgradeTest::countMins,
            c -> "width=" + c.width() + " depth=" + c.depth() + " seed=" + c.seed() + " total=" + c.totalCount()
                + " conservative=" + c.isConservativeUpdate(),
            "COUNT_MIN: format version 1 is no longer supported (supported: 2 to 2): its rows were placed by double "
                + "hashing, which version 2's independent row hashes do not reproduce; rebuild the sketch from its stream"),
        new Spec<>("heavy-hitters", () -> HeavyHittersSerializer.INSTANCE, SketchSerializerUpgradeTest::heavyHitters,
            h -> "capacity=" + h.capacity() + " total=" + h.totalCount() + " width=" + h.sketch().width()
                + " top=" + h.topK().stream().map(HeavyHitters.Entry::item).sorted().toList(),
            "HEAVY_HITTERS: format version 1 is no longer supported (supported: 2 to 2): its Count-Min sketch and "
                + "estimates came from double hashing, which version 2's independent row hashes do not reproduce; "
                + "rebuild the tracker from its stream"),
        new Spec<>("bloom", () -> BloomFilterSerializer.INSTANCE, SketchSerializerUpgradeTest::blooms,
            b -> "bits=" + b.numBits() + " hashes=" + b.numHashes() + " seed=" + b.seed() + " set=" + b.bitCount(),
            "BLOOM_FILTER: format version 1 is no longer supported (supported: 2 to 2): its bits were set by plain "
                + "double hashing, and version 2's enhanced double hashing would miss its items; rebuild the filter "
                + "from its stream"),
        new Spec<>("reservoir-click-events", SketchSerializerUpgradeTest::reservoirSerializer,
            SketchSerializerUpgradeTest::reservoirs,
            r -> "k=" + r.k() + " seen=" + r.itemsSeen() + " sample=" + r.sample(), null));
  }

  private static List<HyperLogLog> hyperLogLogs() {
    HyperLogLog empty = HyperLogLog.create(12);
    HyperLogLog sparse = HyperLogLog.create(12, 7);
    HyperLogLog dense = HyperLogLog.create(6);
    HyperLogLog merged = HyperLogLog.create(10);
    for (int i = 0; i < 2_000; i++) {
      dense.update("user-" + i);
      if (i < 50) {
        sparse.update(i);
      }
    }
    merged.merge(dense);
    return List.of(empty, sparse, dense, merged);
  }

  private static List<CountMinSketch> countMins() {
    CountMinSketch plain = CountMinSketch.builder().dimensions(64, 4).seed(3).build();
    CountMinSketch conservative = CountMinSketch.builder().accuracy(0.01, 0.01).conservativeUpdate(true).build();
    for (int i = 0; i < 1_000; i++) {
      plain.update("page-" + i % 37, 1);
      conservative.update(i % 101, 2);
    }
    return List.of(plain, conservative);
  }

  private static List<HeavyHitters> heavyHitters() {
    HeavyHitters top = HeavyHitters.create(5, CountMinSketch.builder().accuracy(0.01, 0.01).seed(5).build());
    for (int i = 0; i < 2_000; i++) {
      top.update("page-" + (i * i % 101));
    }
    return List.of(HeavyHitters.create(3, CountMinSketch.builder().dimensions(16, 2).build()), top);
  }

  private static List<BloomFilter> blooms() {
    BloomFilter filter = BloomFilter.forExpectedItems(1_000, 0.01, 11);
    for (int i = 0; i < 300; i++) {
      filter.add("user-" + i);
    }
    return List.of(BloomFilter.withSize(128, 3, 1), filter);
  }

  private static TypeSerializer<SkipReservoir<ClickEvent>> reservoirSerializer() {
    SerializerConfigImpl config = new SerializerConfigImpl();
    config.setGenericTypes(false);
    return SkipReservoirSerializer.typeInfo(TypeInformation.of(ClickEvent.class)).createSerializer(config);
  }

  private static List<SkipReservoir<ClickEvent>> reservoirs() {
    SkipReservoir<ClickEvent> filling = SkipReservoir.create(10, new SplittableRandom(2));
    SkipReservoir<ClickEvent> sampling = SkipReservoir.create(5, new SplittableRandom(3));
    for (int i = 0; i < 100; i++) {
      ClickEvent event = new ClickEvent(i, "u" + i, "p" + (i % 7), EventKind.VIEW, null, 1_000L * i);
      sampling.update(event);
      if (i < 3) {
        filling.update(event);
      }
    }
    return List.of(filling, sampling);
  }

  @TestFactory
  Stream<DynamicTest> everyReleaseRestoresWithTheCurrentSerializers() throws IOException {
    List<Path> releases;
    try (Stream<Path> folders = Files.list(ROOT)) {
      releases = folders.filter(Files::isDirectory).sorted().toList();
    }
    assertThat(releases).as("committed releases under %s", ROOT).isNotEmpty();
    return releases.stream()
        .flatMap(release -> specs().stream().map(spec -> DynamicTest.dynamicTest(
            release.getFileName() + "/" + spec.name(), () -> restores(spec, release.resolve(spec.name())))));
  }

  private static <T> void restores(Spec<T> spec, Path folder) {
    try {
      TypeSerializerSnapshot<T> old =
          TypeSerializerSnapshotSerializationUtil.readSerializerSnapshot(
              new DataInputDeserializer(Files.readAllBytes(folder.resolve("serializer-snapshot"))),
              SketchSerializerUpgradeTest.class.getClassLoader());
      TypeSerializer<T> current = spec.serializer().get();
      TypeSerializerSchemaCompatibility<T> compatibility =
          current.snapshotConfiguration().resolveSchemaCompatibility(old);
      assertThat(compatibility.isCompatibleAsIs()).as("%s is compatible as is", folder).isTrue();
      byte[] testData = Files.readAllBytes(folder.resolve("test-data"));
      DataInputDeserializer data = new DataInputDeserializer(testData);
      TypeSerializer<T> restoreSerializer = old.restoreSerializer();
      int count = data.readInt();
      if (spec.version1Refusal() != null && firstSketchFormatVersion(testData) == 1) {
        // Refused, never reinterpreted: the counters or bits of version 1 mean nothing under version 2's hashing.
        for (int i = 0; i < count; i++) {
          assertThatThrownBy(() -> restoreSerializer.deserialize(data))
              .isInstanceOf(IOException.class)
              .cause()
              .isInstanceOf(SketchFormatException.class)
              .hasMessage(spec.version1Refusal());
        }
        assertThat(data.available()).as("bytes left after the test data").isZero();
        return;
      }
      List<String> restored = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        T value = restoreSerializer.deserialize(data);
        // Written back by the current serializer, it reads back to the same facts: a restored sketch checkpoints.
        DataOutputSerializer rewritten = new DataOutputSerializer(4096);
        current.serialize(value, rewritten);
        T reread = current.deserialize(new DataInputDeserializer(rewritten.getCopyOfBuffer()));
        assertThat(spec.describe().apply(reread)).isEqualTo(spec.describe().apply(value));
        restored.add(spec.describe().apply(value));
      }
      assertThat(data.available()).as("bytes left after the test data").isZero();
      assertThat(restored).isEqualTo(Files.readAllLines(folder.resolve("expected.txt")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The format version of the first sketch in {@code testData}: a count, a 4-byte length, then family id and version. */
  private static int firstSketchFormatVersion(byte[] testData) {
    return testData[Integer.BYTES + Integer.BYTES + 1] & 0xff;
  }

  /**
   * Release 0.1.0 wrote HyperLogLog format version 1; the current code reads it and writes version 2 (the serialized
   * form is a 4-byte length, then the sketch's envelope: family id, format version). The bytes are a copy of
   * {@code serializer-snapshots/0.1.0/hyperloglog/test-data} kept apart, so that regenerating a release folder never
   * loses the only version-1 data.
   */
  @Test
  void hyperLogLogVersion1StateIsRewrittenAsVersion2() throws IOException {
    DataInputDeserializer data =
        new DataInputDeserializer(
            Files.readAllBytes(Paths.get("src/test/resources/sketch-formats/hyperloglog-v1-serialized")));
    int count = data.readInt();
    assertThat(count).isEqualTo(hyperLogLogs().size());
    for (int i = 0; i < count; i++) {
      byte[] version1 = new byte[data.readInt()];
      data.readFully(version1);
      assertThat(version1[1]).as("format version of the 0.1.0 bytes").isEqualTo((byte) 1);
      HyperLogLog restored = HyperLogLog.fromBytes(version1);
      byte[] rewritten = restored.toBytes();
      assertThat(rewritten[1]).as("format version written now").isEqualTo((byte) 2);
      assertThat(rewritten).hasSize(version1.length + 1);
      HyperLogLog reread = HyperLogLog.fromBytes(rewritten);
      assertThat(reread).isEqualTo(restored);
      // The same updates give the same sketch today: version 1 lost nothing that version 2 stores.
      assertThat(restored).isEqualTo(hyperLogLogs().get(i));
    }
  }
}
