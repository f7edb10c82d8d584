package io.streamsketch.benchmarks;

import io.streamsketch.sketch.quantiles.KllSketch;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.apache.datasketches.kll.KllDoublesSketch;
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
 * Our KLL sketch against DataSketches' KllDoublesSketch at k = 200. Updates take pre-generated uniform doubles in
 * turn, into sketches already in estimation mode (10^6 items); merge folds a sketch of 10^5 items into a long-lived
 * accumulator; serialize and deserialize take a sketch of 10^6 items (about 600 retained items on both sides); quantile
 * is the median of that sketch after an update, so each call rebuilds the sorted view on both sides.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class KllSketchBenchmark {
  private static final int K = 200;
  private static final int ITEMS = 1 << 20;
  private static final int MASK = ITEMS - 1;

  private double[] items;
  private int next;

  private KllSketch ours;
  private KllSketch oursOther;
  private KllSketch oursAccumulator;
  private byte[] oursBytes;

  private KllDoublesSketch theirs;
  private KllDoublesSketch theirsOther;
  private KllDoublesSketch theirsAccumulator;
  private byte[] theirsBytes;

  @Setup
  public void setUp() {
    SplittableRandom random = new SplittableRandom(1);
    items = random.doubles(ITEMS).toArray();
    ours = KllSketch.create(K, 1);
    theirs = KllDoublesSketch.newHeapInstance(K);
    for (int i = 0; i < 1_000_000; i++) {
      double item = random.nextDouble();
      ours.update(item);
      theirs.update(item);
    }
    oursOther = KllSketch.create(K, 2);
    theirsOther = KllDoublesSketch.newHeapInstance(K);
    for (int i = 0; i < 100_000; i++) {
      double item = random.nextDouble();
      oursOther.update(item);
      theirsOther.update(item);
    }
    oursAccumulator = ours.copy();
    theirsAccumulator = KllDoublesSketch.heapify(Memory.wrap(theirs.toByteArray()));
    oursBytes = ours.toBytes();
    theirsBytes = theirs.toByteArray();
  }

  @Benchmark
  public void oursUpdate() {
    ours.update(items[next++ & MASK]);
  }

  @Benchmark
  public void dataSketchesUpdate() {
    theirs.update(items[next++ & MASK]);
  }

  @Benchmark
  public KllSketch oursMerge() {
    oursAccumulator.merge(oursOther);
    return oursAccumulator;
  }

  @Benchmark
  public KllDoublesSketch dataSketchesMerge() {
    theirsAccumulator.merge(theirsOther);
    return theirsAccumulator;
  }

  @Benchmark
  public byte[] oursSerialize() {
    return ours.toBytes();
  }

  @Benchmark
  public byte[] dataSketchesSerialize() {
    return theirs.toByteArray();
  }

  @Benchmark
  public KllSketch oursDeserialize() {
    return KllSketch.fromBytes(oursBytes);
  }

  @Benchmark
  public KllDoublesSketch dataSketchesDeserialize() {
    return KllDoublesSketch.heapify(Memory.wrap(theirsBytes));
  }

  @Benchmark
  public double oursUpdateThenMedian() {
    ours.update(items[next++ & MASK]);
    return ours.quantile(0.5);
  }

  @Benchmark
  public double dataSketchesUpdateThenMedian() {
    theirs.update(items[next++ & MASK]);
    return theirs.getQuantile(0.5);
  }
}
