package io.streamsketch.benchmarks;

import io.streamsketch.sketch.cms.CountMinSketch;
import io.streamsketch.sketch.cms.HeavyHitters;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.apache.datasketches.frequencies.ItemsSketch;
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
 * Our Count-Min sketch against stream-lib's at the same width × depth (ε = 0.001, δ = 0.01: 2719 × 5), plus the
 * heavy-hitter tracker against DataSketches' ItemsSketch. Updates take pre-generated distinct items in turn;
 * stream-lib's merge returns a new sketch, ours merges in place into a long-lived accumulator.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class CountMinSketchBenchmark {
  private static final int WIDTH = 2719;
  private static final int DEPTH = 5;
  private static final int ITEMS = 1 << 20;
  private static final int MASK = ITEMS - 1;

  private long[] longs;
  private String[] strings;
  private int next;

  private CountMinSketch ours;
  private CountMinSketch oursOther;
  private CountMinSketch oursAccumulator;
  private byte[] oursBytes;
  private HeavyHitters oursTopK;

  private com.clearspring.analytics.stream.frequency.CountMinSketch theirs;
  private com.clearspring.analytics.stream.frequency.CountMinSketch theirsOther;
  private byte[] theirsBytes;
  private ItemsSketch<String> itemsSketch;

  @Setup
  public void setUp() {
    SplittableRandom random = new SplittableRandom(1);
    longs = random.longs(ITEMS).toArray();
    strings = new String[ITEMS];
    for (int i = 0; i < ITEMS; i++) {
      strings[i] = "/page/" + longs[i];
    }
    ours = CountMinSketch.builder().dimensions(WIDTH, DEPTH).seed(7).build();
    oursOther = CountMinSketch.builder().dimensions(WIDTH, DEPTH).seed(7).build();
    theirs = new com.clearspring.analytics.stream.frequency.CountMinSketch(DEPTH, WIDTH, 7);
    theirsOther = new com.clearspring.analytics.stream.frequency.CountMinSketch(DEPTH, WIDTH, 7);
    for (int i = 0; i < 100_000; i++) {
      long item = random.nextLong();
      ours.update(item, 1);
      theirs.add(item, 1);
      oursOther.update(item + 1, 1);
      theirsOther.add(item + 1, 1);
    }
    oursAccumulator = ours.copy();
    oursBytes = ours.toBytes();
    theirsBytes = com.clearspring.analytics.stream.frequency.CountMinSketch.serialize(theirs);
    oursTopK = HeavyHitters.create(100, CountMinSketch.builder().dimensions(WIDTH, DEPTH).build());
    itemsSketch = new ItemsSketch<>(256);
  }

  @Benchmark
  public void oursUpdateLong() {
    ours.update(longs[next++ & MASK], 1);
  }

  @Benchmark
  public void streamLibUpdateLong() {
    theirs.add(longs[next++ & MASK], 1);
  }

  @Benchmark
  public void oursUpdateString() {
    ours.update(strings[next++ & MASK], 1);
  }

  @Benchmark
  public void streamLibUpdateString() {
    theirs.add(strings[next++ & MASK], 1);
  }

  @Benchmark
  public long oursEstimate() {
    return ours.estimate(longs[next++ & MASK]);
  }

  @Benchmark
  public long streamLibEstimate() {
    return theirs.estimateCount(longs[next++ & MASK]);
  }

  @Benchmark
  public CountMinSketch oursMerge() {
    oursAccumulator.merge(oursOther);
    return oursAccumulator;
  }

  @Benchmark
  public Object streamLibMerge() throws Exception {
    return com.clearspring.analytics.stream.frequency.CountMinSketch.merge(theirs, theirsOther);
  }

  @Benchmark
  public byte[] oursSerialize() {
    return ours.toBytes();
  }

  @Benchmark
  public byte[] streamLibSerialize() throws Exception {
    return com.clearspring.analytics.stream.frequency.CountMinSketch.serialize(theirs);
  }

  @Benchmark
  public CountMinSketch oursDeserialize() {
    return CountMinSketch.fromBytes(oursBytes);
  }

  @Benchmark
  public Object streamLibDeserialize() throws Exception {
    return com.clearspring.analytics.stream.frequency.CountMinSketch.deserialize(theirsBytes);
  }

  @Benchmark
  public void oursTopKUpdateString() {
    oursTopK.update(strings[next++ & MASK]);
  }

  @Benchmark
  public void itemsSketchUpdateString() {
    itemsSketch.update(strings[next++ & MASK]);
  }
}
