package io.streamsketch.benchmarks;

import io.streamsketch.sketch.hll.HyperLogLog;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;
import org.apache.datasketches.hll.Union;
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
 * Our HyperLogLog against DataSketches' HllSketch (HLL_8) at lgK = 12. Updates take pre-generated distinct items in
 * turn, into sketches already in dense (HLL) mode; both keep their HIP estimator up to date on register changes, and
 * estimate returns it. Merge folds a dense sketch into a long-lived accumulator (whose estimate is then the register
 * estimate, on both sides).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class HyperLogLogBenchmark {
  private static final int LG_K = 12;
  private static final int ITEMS = 1 << 20;
  private static final int MASK = ITEMS - 1;

  private long[] longs;
  private String[] strings;
  private int next;

  private HyperLogLog ours;
  private HyperLogLog oursOther;
  private HyperLogLog oursAccumulator;
  private byte[] oursBytes;

  private byte[] oursStateBytes;
  private HyperLogLog oursPartial;

  private HllSketch theirs;
  private HllSketch theirsOther;
  private Union theirsUnion;
  private byte[] theirsBytes;
  private byte[] theirsStateBytes;
  private HllSketch theirsPartial;

  @Setup
  public void setUp() {
    SplittableRandom random = new SplittableRandom(1);
    longs = random.longs(ITEMS).toArray();
    strings = new String[ITEMS];
    for (int i = 0; i < ITEMS; i++) {
      strings[i] = "user-" + longs[i];
    }
    ours = HyperLogLog.create(LG_K);
    oursOther = HyperLogLog.create(LG_K);
    theirs = new HllSketch(LG_K, TgtHllType.HLL_8);
    theirsOther = new HllSketch(LG_K, TgtHllType.HLL_8);
    for (int i = 0; i < 100_000; i++) {
      ours.update(random.nextLong());
      theirs.update(random.nextLong());
      long other = random.nextLong();
      oursOther.update(other);
      theirsOther.update(other);
    }
    oursAccumulator = ours.copy();
    theirsUnion = new Union(LG_K);
    theirsUnion.update(theirs);
    oursBytes = ours.toBytes();
    theirsBytes = theirs.toCompactByteArray();
    // Keyed state after merges (no HIP), and a partial of a few users (sparse; DataSketches' list mode).
    HyperLogLog state = ours.copy();
    state.merge(oursOther);
    oursStateBytes = state.toBytes();
    Union stateUnion = new Union(LG_K);
    stateUnion.update(theirs);
    stateUnion.update(theirsOther);
    theirsStateBytes = stateUnion.toCompactByteArray();
    oursPartial = HyperLogLog.create(LG_K);
    theirsPartial = new HllSketch(LG_K, TgtHllType.HLL_8);
    for (int i = 0; i < 5; i++) {
      long user = random.nextLong();
      oursPartial.update(user);
      theirsPartial.update(user);
    }
  }

  @Benchmark
  public void oursUpdateLong() {
    ours.update(longs[next++ & MASK]);
  }

  @Benchmark
  public void dataSketchesUpdateLong() {
    theirs.update(longs[next++ & MASK]);
  }

  @Benchmark
  public void oursUpdateString() {
    ours.update(strings[next++ & MASK]);
  }

  @Benchmark
  public void dataSketchesUpdateString() {
    theirs.update(strings[next++ & MASK]);
  }

  @Benchmark
  public double oursEstimate() {
    return ours.estimate();
  }

  @Benchmark
  public double dataSketchesEstimate() {
    return theirs.getEstimate();
  }

  @Benchmark
  public HyperLogLog oursMerge() {
    oursAccumulator.merge(oursOther);
    return oursAccumulator;
  }

  @Benchmark
  public Union dataSketchesMerge() {
    theirsUnion.update(theirsOther);
    return theirsUnion;
  }

  /**
   * A merge that changes registers, into a new sketch: a copy of one dense sketch merged with another, against a new
   * union updated with both. No estimate is asked for, as when sketches are flushed into keyed state.
   */
  @Benchmark
  public HyperLogLog oursMergeChanging() {
    HyperLogLog merged = ours.copy();
    merged.merge(oursOther);
    return merged;
  }

  @Benchmark
  public Union dataSketchesMergeChanging() {
    Union union = new Union(LG_K);
    union.update(theirs);
    union.update(theirsOther);
    return union;
  }

  /** As {@code MergeChanging}, then the estimate, which pays for what the merge left to be recounted (both sides). */
  @Benchmark
  public double oursMergeEstimate() {
    return oursMergeChanging().estimate();
  }

  @Benchmark
  public double dataSketchesMergeEstimate() {
    return dataSketchesMergeChanging().getEstimate();
  }

  /**
   * One flush of a partial into keyed state on a serializing backend (RocksDB): read the state's bytes, merge a
   * partial of five users, write the bytes.
   */
  @Benchmark
  public byte[] oursFlushPartial() {
    HyperLogLog state = HyperLogLog.fromBytes(oursStateBytes);
    state.merge(oursPartial);
    return state.toBytes();
  }

  @Benchmark
  public byte[] dataSketchesFlushPartial() {
    Union state = Union.heapify(theirsStateBytes);
    state.update(theirsPartial);
    return state.toCompactByteArray();
  }

  @Benchmark
  public byte[] oursSerialize() {
    return ours.toBytes();
  }

  @Benchmark
  public byte[] dataSketchesSerialize() {
    return theirs.toCompactByteArray();
  }

  @Benchmark
  public HyperLogLog oursDeserialize() {
    return HyperLogLog.fromBytes(oursBytes);
  }

  @Benchmark
  public HllSketch dataSketchesDeserialize() {
    return HllSketch.heapify(theirsBytes);
  }
}
