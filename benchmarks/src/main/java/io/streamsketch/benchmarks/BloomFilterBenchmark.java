package io.streamsketch.benchmarks;

import io.streamsketch.sketch.bloom.BloomFilter;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.apache.datasketches.filters.bloomfilter.BloomFilterBuilder;
import org.apache.datasketches.memory.Memory;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Our {@link BloomFilter} against DataSketches' at equal memory: both sized by our optimal formula for 100,000
 * items at 1% (958,528 bits, 7 hashes, about 117 KiB), same seed. Keys cycle through 65,536 random longs, half of
 * them added, so queries mix hits and misses alike for both.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class BloomFilterBenchmark {
  private static final int EXPECTED_ITEMS = 100_000;
  private static final double FALSE_POSITIVE_RATE = 0.01;
  private static final long SEED = 9001;
  private static final int KEY_MASK = (1 << 16) - 1;

  private long[] keys;
  private int cursor;
  private BloomFilter ours;
  private BloomFilter oursOther;
  private org.apache.datasketches.filters.bloomfilter.BloomFilter theirs;
  private org.apache.datasketches.filters.bloomfilter.BloomFilter theirsOther;
  private byte[] oursBytes;
  private byte[] theirsBytes;

  @Setup
  public void setUp() {
    keys = new SplittableRandom(1).longs(KEY_MASK + 1).toArray();
    ours = BloomFilter.forExpectedItems(EXPECTED_ITEMS, FALSE_POSITIVE_RATE, SEED);
    oursOther = ours.copy();
    theirs = BloomFilterBuilder.createBySize(ours.numBits(), ours.numHashes(), SEED);
    theirsOther = BloomFilterBuilder.createBySize(ours.numBits(), ours.numHashes(), SEED);
    SplittableRandom fill = new SplittableRandom(2);
    for (int i = 0; i < EXPECTED_ITEMS / 2; i++) {
      long item = fill.nextLong();
      ours.add(item);
      theirs.update(item);
      long other = fill.nextLong();
      oursOther.add(other);
      theirsOther.update(other);
    }
    for (int i = 0; i < keys.length; i += 2) {
      ours.add(keys[i]);
      theirs.update(keys[i]);
    }
    oursBytes = ours.toBytes();
    theirsBytes = theirs.toByteArray();
  }

  private long nextKey() {
    return keys[cursor++ & KEY_MASK];
  }

  @Benchmark
  public boolean oursAdd() {
    return ours.add(nextKey());
  }

  @Benchmark
  public boolean theirsAdd() {
    return theirs.queryAndUpdate(nextKey());
  }

  @Benchmark
  public boolean oursQuery() {
    return ours.mightContain(nextKey());
  }

  @Benchmark
  public boolean theirsQuery() {
    return theirs.query(nextKey());
  }

  /** ORs an equal-sized filter in place; idempotent, so every call does the same work. */
  @Benchmark
  public BloomFilter oursMerge() {
    ours.merge(oursOther);
    return ours;
  }

  @Benchmark
  public org.apache.datasketches.filters.bloomfilter.BloomFilter theirsMerge() {
    theirs.union(theirsOther);
    return theirs;
  }

  @Benchmark
  public byte[] oursSerialize() {
    return ours.toBytes();
  }

  @Benchmark
  public byte[] theirsSerialize() {
    return theirs.toByteArray();
  }

  @Benchmark
  public BloomFilter oursDeserialize() {
    return BloomFilter.fromBytes(oursBytes);
  }

  @Benchmark
  public org.apache.datasketches.filters.bloomfilter.BloomFilter theirsDeserialize() {
    return org.apache.datasketches.filters.bloomfilter.BloomFilter.heapify(Memory.wrap(theirsBytes));
  }
}
