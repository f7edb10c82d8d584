package io.streamsketch.benchmarks;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Ours against the baseline, for the merge and serde operations of the JMH benchmarks, measured so that a shared and
 * loaded machine disturbs the ratio as little as possible: the two sides run in alternating blocks (ours first in
 * odd rounds, theirs first in even ones) in one JVM, and each block is timed in CPU time of this thread ({@link
 * ThreadMXBean#getCurrentThreadCpuTime()}), so time spent descheduled is not counted and a drift of the load hits
 * both sides of a round alike. The ratio reported is the median over rounds of ours / theirs within a round.
 *
 * <p>The operations are the JMH benchmark methods themselves, on their own setup.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.streamsketch.benchmarks.SketchSerdeCpuTime [ROUNDS] [CSV]
 * </pre>
 *
 * ROUNDS (default 21) blocks per side of about 20 ms each; CSV, if given, receives one line per operation. Prints a
 * markdown table. Exit 2 on a bad argument.
 */
public final class SketchSerdeCpuTime {
  private static final long BLOCK_NANOS = 20_000_000L;
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  /** Where the count of results goes, so that the JIT cannot drop the loop. */
  private static volatile int sink;

  private record Pair(String family, String operation, String baseline, Supplier<?> ours, Supplier<?> theirs) {}

  private record Result(Pair pair, double oursNanos, double theirsNanos, double ratio, double minRatio,
      double maxRatio) {}

  private SketchSerdeCpuTime() {}

  public static void main(String[] args) throws IOException {
    int rounds;
    try {
      rounds = args.length > 0 ? Integer.parseInt(args[0]) : 21;
    } catch (NumberFormatException e) {
      rounds = -1;
    }
    if (rounds < 1 || args.length > 2) {
      System.err.println("usage: SketchSerdeCpuTime [ROUNDS >= 1] [CSV]");
      System.exit(2);
    }
    String loadBefore = loadAverage();
    List<Result> results = new ArrayList<>();
    for (Pair pair : pairs()) {
      results.add(measure(pair, rounds));
    }
    String loadAfter = loadAverage();
    System.out.println("load average (1, 5, 15 min) before: " + loadBefore + "; after: " + loadAfter);
    System.out.println("| sketch | operation | baseline | ours ns/op | baseline ns/op | ours / baseline (median of "
        + rounds + " rounds) | min | max |");
    System.out.println("|---|---|---|---|---|---|---|---|");
    for (Result r : results) {
      System.out.printf(Locale.ROOT, "| %s | %s | %s | %,.0f | %,.0f | %.2f | %.2f | %.2f |%n", r.pair.family,
          r.pair.operation, r.pair.baseline, r.oursNanos, r.theirsNanos, r.ratio, r.minRatio, r.maxRatio);
    }
    if (args.length > 1) {
      try (PrintWriter csv = new PrintWriter(Files.newBufferedWriter(Path.of(args[1])))) {
        csv.println("sketch,operation,baseline,ours_ns_per_op,baseline_ns_per_op,ratio_median,ratio_min,ratio_max,"
            + "rounds,load_before,load_after");
        for (Result r : results) {
          // The text fields are quoted: an operation's name may hold a comma.
          csv.printf(Locale.ROOT, "\"%s\",\"%s\",\"%s\",%.1f,%.1f,%.4f,%.4f,%.4f,%d,%s,%s%n", r.pair.family,
              r.pair.operation, r.pair.baseline, r.oursNanos, r.theirsNanos, r.ratio, r.minRatio, r.maxRatio, rounds,
              loadBefore, loadAfter);
        }
      }
    }
  }

  private static List<Pair> pairs() {
    HyperLogLogBenchmark hll = new HyperLogLogBenchmark();
    hll.setUp();
    CountMinSketchBenchmark cms = new CountMinSketchBenchmark();
    cms.setUp();
    SkipReservoirBenchmark reservoir = new SkipReservoirBenchmark();
    reservoir.setUp();
    String hll8 = "DataSketches HLL_8";
    String streamLib = "stream-lib";
    String items = "DataSketches ReservoirItemsSketch";
    return List.of(
        new Pair("HyperLogLog p=12", "merge into accumulator", hll8, hll::oursMerge, hll::dataSketchesMerge),
        new Pair("HyperLogLog p=12", "merge into new sketch", hll8, hll::oursMergeChanging,
            hll::dataSketchesMergeChanging),
        new Pair("HyperLogLog p=12", "merge into new sketch + estimate", hll8, hll::oursMergeEstimate,
            hll::dataSketchesMergeEstimate),
        new Pair("HyperLogLog p=12", "serialize", hll8, hll::oursSerialize, hll::dataSketchesSerialize),
        new Pair("HyperLogLog p=12", "flush: read state, merge 5 users, write", hll8, hll::oursFlushPartial,
            hll::dataSketchesFlushPartial),
        new Pair("HyperLogLog p=12", "deserialize", hll8, hll::oursDeserialize, hll::dataSketchesDeserialize),
        new Pair("Count-Min 2719x5", "merge", streamLib, cms::oursMerge, unchecked(cms::streamLibMerge)),
        new Pair("Count-Min 2719x5", "serialize", streamLib, cms::oursSerialize, unchecked(cms::streamLibSerialize)),
        new Pair("Count-Min 2719x5", "deserialize", streamLib, cms::oursDeserialize,
            unchecked(cms::streamLibDeserialize)),
        new Pair("reservoir k=1000 Long", "merge", items, reservoir::oursMerge, reservoir::theirsMerge),
        new Pair("reservoir k=1000 Long", "serialize", items, reservoir::oursSerialize, reservoir::theirsSerialize),
        new Pair("reservoir k=1000 Long", "deserialize", items, reservoir::oursDeserialize,
            reservoir::theirsDeserialize));
  }

  private interface ThrowingSupplier {
    Object get() throws Exception;
  }

  private static Supplier<?> unchecked(ThrowingSupplier supplier) {
    return () -> {
      try {
        return supplier.get();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    };
  }

  private static Result measure(Pair pair, int rounds) {
    // Warm up both sides, then size the blocks to about BLOCK_NANOS of the slower side.
    long opsPerBlock = Math.max(calibrate(pair.ours), calibrate(pair.theirs));
    opsPerBlock = Math.max(1, Math.min(calibrateOps(pair.ours, opsPerBlock), calibrateOps(pair.theirs, opsPerBlock)));
    double[] ours = new double[rounds];
    double[] theirs = new double[rounds];
    double[] ratios = new double[rounds];
    for (int round = 0; round < rounds; round++) {
      if (round % 2 == 0) {
        ours[round] = block(pair.ours, opsPerBlock);
        theirs[round] = block(pair.theirs, opsPerBlock);
      } else {
        theirs[round] = block(pair.theirs, opsPerBlock);
        ours[round] = block(pair.ours, opsPerBlock);
      }
      ratios[round] = ours[round] / theirs[round];
    }
    double[] sortedRatios = ratios.clone();
    Arrays.sort(sortedRatios);
    return new Result(pair, median(ours), median(theirs), median(ratios), sortedRatios[0],
        sortedRatios[rounds - 1]);
  }

  /** Runs blocks of growing size for about a second; returns the operations that took about BLOCK_NANOS. */
  private static long calibrate(Supplier<?> operation) {
    long ops = 1;
    long spent = 0;
    long total = 0;
    while (total < 1_000_000_000L) {
      long start = THREADS.getCurrentThreadCpuTime();
      run(operation, ops);
      spent = THREADS.getCurrentThreadCpuTime() - start;
      total += spent;
      if (spent < BLOCK_NANOS) {
        ops *= 2;
      }
    }
    return Math.max(1, ops * BLOCK_NANOS / Math.max(1, spent));
  }

  /** The operations of one side that take at most about 4 × BLOCK_NANOS, so the slower side does not run long. */
  private static long calibrateOps(Supplier<?> operation, long ops) {
    double nanosPerOp = block(operation, ops);
    return (long) Math.min(ops, 4 * BLOCK_NANOS / Math.max(1, nanosPerOp));
  }

  /** CPU nanoseconds per operation over one block. */
  private static double block(Supplier<?> operation, long ops) {
    long start = THREADS.getCurrentThreadCpuTime();
    run(operation, ops);
    return (double) (THREADS.getCurrentThreadCpuTime() - start) / ops;
  }

  private static void run(Supplier<?> operation, long ops) {
    int results = 0;
    for (long i = 0; i < ops; i++) {
      results += operation.get() != null ? 1 : 0;
    }
    sink = results;
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  private static String loadAverage() {
    try {
      String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
      return fields[0] + " " + fields[1] + " " + fields[2];
    } catch (IOException e) {
      return "unknown";
    }
  }
}
