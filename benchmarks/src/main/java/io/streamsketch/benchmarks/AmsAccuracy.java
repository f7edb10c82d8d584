package io.streamsketch.benchmarks;

import io.streamsketch.generator.ZipfSampler;
import io.streamsketch.sketch.moments.AmsSketch;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Prints, as markdown, the accuracy of our AMS sketch against the exact F2 over many seeds: for each stream and (ε,
 * δ), the relative errors |estimate − F2| / F2 of {@code trials} sketches (seeds 1 .. trials) of one fixed stream,
 * since the guarantee is over the seed. Each sketch is fed each distinct item once with its count as the weight, which
 * gives exactly the counters of the unit updates (the sketch is linear) in a fraction of the time. Run: {@code java
 * -cp benchmarks/target/benchmarks.jar io.streamsketch.benchmarks.AmsAccuracy 200}.
 */
public final class AmsAccuracy {
  private static final int DISTINCT = 2_000;
  private static final int VIEWS = 1_000_000;

  private AmsAccuracy() {}

  public static void main(String[] args) {
    int trials = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    System.out.println(
        "| stream | ε | δ | counters s1 × s2 | bytes | exact F2 | trials | mean / p95 / max relative error |"
            + " trials outside ε (allowed by δ: mean) |");
    System.out.println("|---|---|---|---|---|---|---|---|---|");
    for (String stream : new String[] {"Zipf 1.1", "Zipf 0.7", "uniform"}) {
      long[] counts = counts(stream);
      double exact = Arrays.stream(counts).mapToDouble(c -> (double) c * c).sum();
      for (double[] parameters : new double[][] {{0.25, 0.1}, {0.2, 0.05}, {0.1, 0.01}}) {
        double[] errors = new double[trials];
        AmsSketch shape = null;
        for (int trial = 0; trial < trials; trial++) {
          AmsSketch sketch = AmsSketch.create(parameters[0], parameters[1], trial + 1);
          for (int item = 0; item < counts.length; item++) {
            if (counts[item] > 0) {
              sketch.update(item, counts[item]);
            }
          }
          errors[trial] = Math.abs(sketch.estimate() - exact) / exact;
          shape = sketch;
        }
        double[] sorted = errors.clone();
        Arrays.sort(sorted);
        long outside = Arrays.stream(errors).filter(e -> e > parameters[0]).count();
        System.out.printf(
            "| %s | %s | %s | %d × %d | %,d | %.4g | %d | %.4f / %.4f / %.4f | %d (%.1f) |%n",
            stream, parameters[0], parameters[1], shape.countersPerGroup(), shape.groups(),
            shape.toBytes().length, exact, trials, Arrays.stream(errors).average().orElse(0),
            sorted[(int) Math.ceil(0.95 * trials) - 1], sorted[trials - 1], outside, parameters[1] * trials);
      }
    }
  }

  /** The views per item of a stream of {@link #VIEWS} views over {@link #DISTINCT} items, seeded. */
  private static long[] counts(String stream) {
    SplittableRandom random = new SplittableRandom(42);
    long[] counts = new long[DISTINCT];
    ZipfSampler zipf =
        stream.startsWith("Zipf") ? new ZipfSampler(DISTINCT, Double.parseDouble(stream.substring(5))) : null;
    for (int i = 0; i < VIEWS; i++) {
      counts[zipf == null ? random.nextInt(DISTINCT) : zipf.sample(random) - 1]++;
    }
    return counts;
  }
}
