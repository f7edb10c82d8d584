package io.streamsketch.flink.serde;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshotSerializationUtil;
import org.apache.flink.core.memory.DataOutputSerializer;

/**
 * Writes one release's serializer fixtures with the current code: for every {@link SketchSerializerUpgradeTest}
 * spec, the serializer snapshot, the serialized test data and their descriptions. Run by {@code
 * scripts/regenerate-savepoint-fixtures.sh RELEASE} when a release ships; never for an older release's folder.
 */
public final class SketchSerializerFixtureWriter {

  private SketchSerializerFixtureWriter() {}

  /** {@code args}: the release, e.g. {@code 0.2.0}; run in the operators module's folder. */
  public static void main(String[] args) throws IOException {
    if (args.length != 1 || args[0].isBlank()) {
      System.err.println("usage: SketchSerializerFixtureWriter RELEASE");
      System.exit(2);
    }
    Path release = SketchSerializerUpgradeTest.ROOT.resolve(args[0]);
    for (SketchSerializerUpgradeTest.Spec<?> spec : SketchSerializerUpgradeTest.specs()) {
      write(spec, release.resolve(spec.name()));
    }
    System.out.println("written: " + release);
  }

  private static <T> void write(SketchSerializerUpgradeTest.Spec<T> spec, Path folder) throws IOException {
    Files.createDirectories(folder);
    TypeSerializer<T> serializer = spec.serializer().get();
    DataOutputSerializer snapshot = new DataOutputSerializer(256);
    TypeSerializerSnapshotSerializationUtil.writeSerializerSnapshot(snapshot, serializer.snapshotConfiguration());
    Files.write(folder.resolve("serializer-snapshot"), snapshot.getCopyOfBuffer());
    DataOutputSerializer data = new DataOutputSerializer(4096);
    List<String> descriptions = new ArrayList<>();
    List<T> values = spec.data().get();
    data.writeInt(values.size());
    for (T value : values) {
      serializer.serialize(value, data);
      descriptions.add(spec.describe().apply(value));
    }
    Files.write(folder.resolve("test-data"), data.getCopyOfBuffer());
    Files.write(folder.resolve("expected.txt"), descriptions);
  }
}
