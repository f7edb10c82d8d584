package io.streamsketch.benchmarks;

import io.streamsketch.sketch.sampling.LongItemSerializer;
import io.streamsketch.sketch.sampling.SkipReservoir;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.apache.datasketches.common.ArrayOfLongsSerDe;
import org.apache.datasketches.memory.Memory;
import org.apache.datasketches.sampling.ReservoirItemsSketch;
import org.apache.datasketches.sampling.ReservoirItemsUnion;
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
 * Our {@link SkipReservoir} against DataSketches' {@link ReservoirItemsSketch}, both with k = 1,000 {@code Long}
 * items. The {@code stream*} benchmarks are single shots over 10^8 updates that reuse 1,024 preallocated {@code Long}s
 * cyclically, so they time the sampling and not boxing; the others are per operation on reservoirs that have seen
 * 10^6 items.
 */
@State(Scope.Thread)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class SkipReservoirBenchmark {
  private static final int K = 1_000;
  private static final long STREAM = 100_000_000L;
  private static final int PRELOADED = 1_000_000;
  private static final int ITEM_MASK = 1_023;
  private static final ArrayOfLongsSerDe THEIR_SERDE = new ArrayOfLongsSerDe();

  private Long[] items;
  private int cursor;
  private SplittableRandom seeds;
  private SkipReservoir<Long> ours;
  private SkipReservoir<Long> oursOther;
  private ReservoirItemsSketch<Long> theirs;
  private ReservoirItemsSketch<Long> theirsOther;
  private byte[] oursBytes;
  private byte[] theirsBytes;

  @Setup
  public void setUp() {
    items = new Long[ITEM_MASK + 1];
    for (int i = 0; i < items.length; i++) {
      items[i] = (long) i;
    }
    seeds = new SplittableRandom(1);
    ours = SkipReservoir.create(K, seeds.split());
    oursOther = SkipReservoir.create(K, seeds.split());
    theirs = ReservoirItemsSketch.newInstance(K);
    theirsOther = ReservoirItemsSketch.newInstance(K);
    for (int i = 0; i < PRELOADED; i++) {
      Long item = items[i & ITEM_MASK];
      ours.update(item);
      oursOther.update(item);
      theirs.update(item);
      theirsOther.update(item);
    }
    oursBytes = ours.toBytes(LongItemSerializer.INSTANCE);
    theirsBytes = theirs.toByteArray(THEIR_SERDE);
  }

  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  @Warmup(iterations = 2)
  @Measurement(iterations = 3)
  public SkipReservoir<Long> oursStream() {
    SkipReservoir<Long> reservoir = SkipReservoir.create(K, seeds.split());
    Long[] stream = items;
    for (long i = 0; i < STREAM; i++) {
      reservoir.update(stream[(int) i & ITEM_MASK]);
    }
    return reservoir;
  }

  /** The same stream in batches of the 1,024 items: the skips pass over items without reading them. */
  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  @Warmup(iterations = 2)
  @Measurement(iterations = 3)
  public SkipReservoir<Long> oursStreamInBatches() {
    SkipReservoir<Long> reservoir = SkipReservoir.create(K, seeds.split());
    List<Long> batch = Arrays.asList(items);
    for (long seen = 0; seen < STREAM; seen += batch.size()) {
      reservoir.updateAll(batch);
    }
    return reservoir;
  }

  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  @Warmup(iterations = 2)
  @Measurement(iterations = 3)
  public ReservoirItemsSketch<Long> theirsStream() {
    ReservoirItemsSketch<Long> sketch = ReservoirItemsSketch.newInstance(K);
    Long[] stream = items;
    for (long i = 0; i < STREAM; i++) {
      sketch.update(stream[(int) i & ITEM_MASK]);
    }
    return sketch;
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public SkipReservoir<Long> oursUpdate() {
    ours.update(items[cursor++ & ITEM_MASK]);
    return ours;
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public ReservoirItemsSketch<Long> theirsUpdate() {
    theirs.update(items[cursor++ & ITEM_MASK]);
    return theirs;
  }

  /** Merges two full reservoirs into a copy of the first, so neither input changes. */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public SkipReservoir<Long> oursMerge() {
    SkipReservoir<Long> merged = ours.copy();
    merged.merge(oursOther);
    return merged;
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public ReservoirItemsSketch<Long> theirsMerge() {
    ReservoirItemsUnion<Long> union = ReservoirItemsUnion.newInstance(K);
    union.update(theirs);
    union.update(theirsOther);
    return union.getResult();
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public byte[] oursSerialize() {
    return ours.toBytes(LongItemSerializer.INSTANCE);
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public byte[] theirsSerialize() {
    return theirs.toByteArray(THEIR_SERDE);
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public SkipReservoir<Long> oursDeserialize() {
    return SkipReservoir.fromBytes(oursBytes, LongItemSerializer.INSTANCE, seeds);
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public ReservoirItemsSketch<Long> theirsDeserialize() {
    return ReservoirItemsSketch.heapify(Memory.wrap(theirsBytes), THEIR_SERDE);
  }
}
