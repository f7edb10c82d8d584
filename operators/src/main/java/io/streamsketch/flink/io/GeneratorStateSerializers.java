package io.streamsketch.flink.io;

import io.streamsketch.generator.GeneratorConfig;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

/**
 * The state of {@link ClickstreamSource}: its splits (in the readers' state) and its unassigned splits (in the
 * enumerator's). Both start with the generator's options, which a restore checks against the current ones.
 *
 * <p>Format version 1, big-endian: the options ({@code int} partitions, {@code long} events, {@code long} seed,
 * {@code int} users, {@code int} pages, {@code int} ads, {@code long} max delay in ms, {@code double} late fraction,
 * {@code long} start time), then one split ({@code int} partition, {@code long} next position) or an {@code int}
 * count followed by that many splits.
 */
final class GeneratorStateSerializers {
  private static final int VERSION = 1;

  private GeneratorStateSerializers() {}

  /** What both serializers check a restore against: the options of the current run. */
  private abstract static class WithOptions<T> implements SimpleVersionedSerializer<T> {
    final GeneratorConfig config;
    final int partitions;

    WithOptions(GeneratorConfig config, int partitions) {
      this.config = config;
      this.partitions = partitions;
    }

    @Override
    public int getVersion() {
      return VERSION;
    }
  }

  /** A reader's split. */
  static final class Splits extends WithOptions<GeneratorPartition> {
    Splits(GeneratorConfig config, int partitions) {
      super(config, partitions);
    }

    @Override
    public byte[] serialize(GeneratorPartition split) throws IOException {
      DataOutputSerializer out = new DataOutputSerializer(64);
      writeOptions(out, config, partitions);
      writeSplit(out, split);
      return out.getCopyOfBuffer();
    }

    @Override
    public GeneratorPartition deserialize(int version, byte[] bytes) throws IOException {
      DataInputDeserializer in = input(version, bytes);
      verifyOptions(in, config, partitions);
      GeneratorPartition split = readSplit(in, partitions);
      requireFullyRead(in);
      return split;
    }
  }

  /** The enumerator's unassigned splits. */
  static final class UnassignedSplits extends WithOptions<List<GeneratorPartition>> {
    UnassignedSplits(GeneratorConfig config, int partitions) {
      super(config, partitions);
    }

    @Override
    public byte[] serialize(List<GeneratorPartition> splits) throws IOException {
      DataOutputSerializer out = new DataOutputSerializer(64 + 12 * splits.size());
      writeOptions(out, config, partitions);
      out.writeInt(splits.size());
      for (GeneratorPartition split : splits) {
        writeSplit(out, split);
      }
      return out.getCopyOfBuffer();
    }

    @Override
    public List<GeneratorPartition> deserialize(int version, byte[] bytes) throws IOException {
      DataInputDeserializer in = input(version, bytes);
      verifyOptions(in, config, partitions);
      int count = in.readInt();
      if (count < 0 || count > partitions) {
        throw new IOException("corrupt generator state: " + count + " unassigned splits of " + partitions);
      }
      List<GeneratorPartition> splits = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        splits.add(readSplit(in, partitions));
      }
      requireFullyRead(in);
      return splits;
    }
  }

  /**
   * A reader's split as stored, with the partition count and event count it was written with, read without checking
   * the options against any run (for inspecting a savepoint, whose options the reader does not know).
   */
  static ClickstreamSource.StoredSplit readStoredSplit(int version, byte[] bytes) throws IOException {
    DataInputDeserializer in = input(version, bytes);
    int partitions = in.readInt();
    long events = in.readLong();
    // The other options: seed (8), users, pages, ads (4 each), max delay, late fraction, start time (8 each).
    in.skipBytesToRead(Long.BYTES + 3 * Integer.BYTES + 3 * Long.BYTES);
    if (partitions < 1) {
      throw new IOException("corrupt generator state: " + partitions + " partitions");
    }
    GeneratorPartition split = readSplit(in, partitions);
    requireFullyRead(in);
    return new ClickstreamSource.StoredSplit(split, partitions, events);
  }

  private static DataInputDeserializer input(int version, byte[] bytes) throws IOException {
    if (version != VERSION) {
      throw new IOException("unknown generator state version " + version + " (this code reads " + VERSION + ")");
    }
    return new DataInputDeserializer(bytes);
  }

  private static void writeOptions(DataOutputSerializer out, GeneratorConfig config, int partitions)
      throws IOException {
    out.writeInt(partitions);
    out.writeLong(config.events());
    out.writeLong(config.seed());
    out.writeInt(config.users());
    out.writeInt(config.pages());
    out.writeInt(config.ads());
    out.writeLong(config.maxDelayMillis());
    out.writeDouble(config.lateFraction());
    out.writeLong(config.startTime());
  }

  /** Reads the stored options and throws {@link GeneratorOptionChangedException} at the first that differs. */
  private static void verifyOptions(DataInputDeserializer in, GeneratorConfig config, int partitions)
      throws IOException {
    same("partitions", in.readInt(), partitions);
    same("--events", in.readLong(), config.events());
    same("--seed", in.readLong(), config.seed());
    same("--users", in.readInt(), config.users());
    same("--pages", in.readInt(), config.pages());
    same("ads", in.readInt(), config.ads());
    long maxDelay = in.readLong();
    if (maxDelay != config.maxDelayMillis()) {
      throw new GeneratorOptionChangedException("--max-delay", maxDelay + "ms", config.maxDelayMillis() + "ms");
    }
    double lateFraction = in.readDouble();
    if (Double.compare(lateFraction, config.lateFraction()) != 0) {
      throw new GeneratorOptionChangedException(
          "--late-fraction", Double.toString(lateFraction), Double.toString(config.lateFraction()));
    }
    same("start-time", in.readLong(), config.startTime());
  }

  private static void same(String option, long stored, long current) {
    if (stored != current) {
      throw new GeneratorOptionChangedException(option, Long.toString(stored), Long.toString(current));
    }
  }

  private static void writeSplit(DataOutputSerializer out, GeneratorPartition split) throws IOException {
    out.writeInt(split.partition());
    out.writeLong(split.nextPosition());
  }

  private static GeneratorPartition readSplit(DataInputDeserializer in, int partitions) throws IOException {
    int partition = in.readInt();
    long nextPosition = in.readLong();
    if (partition < 0 || partition >= partitions || nextPosition < partition || (nextPosition - partition) % partitions != 0) {
      throw new IOException(
          "corrupt generator state: partition " + partition + " at position " + nextPosition + " of " + partitions);
    }
    return new GeneratorPartition(partition, nextPosition);
  }

  private static void requireFullyRead(DataInputDeserializer in) throws IOException {
    if (in.available() != 0) {
      throw new IOException("corrupt generator state: " + in.available() + " bytes left over");
    }
  }
}
