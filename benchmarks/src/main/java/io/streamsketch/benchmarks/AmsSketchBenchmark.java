package io.streamsketch.benchmarks;

import io.streamsketch.sketch.moments.AmsSketch;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Our AMS sketch against the exact F2 (a hash map of counts, what {@code page-skew --verify} keeps), per update of a
 * string item (a page id), at three (ε, δ): 0.25/0.1 (the accuracy test's), 0.2/0.05 ({@code page-skew}'s default)
 * and 0.1/0.01. {@code estimate} is the median of means over the counters; {@code merge} adds a sketch of the same
 * shape; {@code exactF2} sums the squares of 10,000 counts.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class AmsSketchBenchmark {
  private static final int ITEMS = 1 << 16;
  private static final int MASK = ITEMS - 1;
  private static final int DISTINCT = 10_000;

  /** ε:δ. */
  @Param({"0.25:0.1", "0.2:0.05", "0.1:0.01"})
  public String epsilonDelta;

  private String[] items;
  private int next;
  private AmsSketch sketch;
  private AmsSketch other;
  private Map<String, Long> exact;

  @Setup
  public void setUp() {
    String[] parts = epsilonDelta.split(":");
    double epsilon = Double.parseDouble(parts[0]);
    double delta = Double.parseDouble(parts[1]);
    SplittableRandom random = new SplittableRandom(1);
    items = new String[ITEMS];
    for (int i = 0; i < ITEMS; i++) {
      items[i] = "page-" + random.nextInt(DISTINCT);
    }
    sketch = AmsSketch.create(epsilon, delta, 7);
    other = AmsSketch.create(epsilon, delta, 7);
    exact = new HashMap<>();
    for (String item : items) {
      sketch.update(item, 1);
      other.update(item, 1);
      exact.merge(item, 1L, Long::sum);
    }
  }

  @Benchmark
  public void oursUpdate() {
    sketch.update(items[next++ & MASK], 1);
  }

  @Benchmark
  public void exactUpdate() {
    exact.merge(items[next++ & MASK], 1L, Long::sum);
  }

  @Benchmark
  public double oursEstimate() {
    return sketch.estimate();
  }

  @Benchmark
  public long exactF2() {
    long f2 = 0;
    for (long count : exact.values()) {
      f2 += count * count;
    }
    return f2;
  }

  @Benchmark
  public void oursMerge() {
    sketch.merge(other);
  }
}
