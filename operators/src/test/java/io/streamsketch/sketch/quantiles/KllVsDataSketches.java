package io.streamsketch.sketch.quantiles;

import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.kll.KllRandomSeed;
import org.apache.datasketches.quantilescommon.DoublesSortedView;

/**
 * Our {@link KllSketch} and DataSketches' {@code KllDoublesSketch} of the same k fed the same seeded permutations of
 * 0 .. n − 1, trial by trial: the maximum rank error of each (see {@link RankErrors}), their retained items and
 * serialized sizes. DataSketches' coin (a static {@code java.util.Random}) is seeded per trial, so every figure is
 * reproducible. {@link #main} prints the table of {@code benchmarks/results/quantiles.md}.
 */
final class KllVsDataSketches {
  /** The figures over all trials of one (k, n). */
  record Comparison(
      int k, int n, int trials, double oursMean, double oursWorst, int oursOverBound, double theirsMean,
      double theirsWorst, int theirsOverBound, double oursRetained, double theirsRetained, double oursBytes,
      double theirsBytes) {}

  private KllVsDataSketches() {}

  static Comparison compare(int k, int n, int trials) {
    return compare(k, n, trials, 1);
  }

  /**
   * As {@link #compare(int, int, int)}, each stream split round-robin into {@code parts} sketches of each kind (ours
   * each with its own seed) that are then merged one after another into the first.
   */
  static Comparison compare(int k, int n, int trials, int parts) {
    double bound = KllSketch.normalizedRankError(k);
    double oursSum = 0;
    double oursWorst = 0;
    int oursOver = 0;
    double theirsSum = 0;
    double theirsWorst = 0;
    int theirsOver = 0;
    long oursRetained = 0;
    long theirsRetained = 0;
    long oursBytes = 0;
    long theirsBytes = 0;
    for (int trial = 0; trial < trials; trial++) {
      long seed = 1_000_003L * k + 7919L * n + trial;
      double[] items = RankErrors.permutation(n, seed);
      KllRandomSeed.seed(seed);
      KllSketch[] oursParts = new KllSketch[parts];
      KllDoublesSketch[] theirsParts = new KllDoublesSketch[parts];
      for (int part = 0; part < parts; part++) {
        oursParts[part] = KllSketch.create(k, seed * parts + part);
        theirsParts[part] = KllDoublesSketch.newHeapInstance(k);
      }
      for (int i = 0; i < items.length; i++) {
        oursParts[i % parts].update(items[i]);
        theirsParts[i % parts].update(items[i]);
      }
      KllSketch ours = oursParts[0];
      KllDoublesSketch theirs = theirsParts[0];
      for (int part = 1; part < parts; part++) {
        ours.merge(oursParts[part]);
        theirs.merge(theirsParts[part]);
      }
      double oursError = RankErrors.maxRankError(ours);
      DoublesSortedView view = theirs.getSortedView();
      double theirsError = RankErrors.maxRankError(view.getQuantiles(), view.getCumulativeWeights(), n);
      oursSum += oursError;
      oursWorst = Math.max(oursWorst, oursError);
      oursOver += oursError > bound ? 1 : 0;
      theirsSum += theirsError;
      theirsWorst = Math.max(theirsWorst, theirsError);
      theirsOver += theirsError > bound ? 1 : 0;
      oursRetained += ours.retainedItems();
      theirsRetained += theirs.getNumRetained();
      oursBytes += ours.serializedSizeBytes();
      theirsBytes += theirs.getSerializedSizeBytes();
    }
    return new Comparison(
        k, n, trials, oursSum / trials, oursWorst, oursOver, theirsSum / trials, theirsWorst, theirsOver,
        (double) oursRetained / trials, (double) theirsRetained / trials, (double) oursBytes / trials,
        (double) theirsBytes / trials);
  }

  /** Prints the accuracy table: {@code main [trials]} (default 100), single sketches, then merged from 8 parts. */
  public static void main(String[] args) {
    int trials = args.length > 0 ? Integer.parseInt(args[0]) : 100;
    System.out.println("| k | n | trials | 99% bound (single-sided) | ours: mean / worst max rank error | trials over bound"
        + " | DataSketches: mean / worst | trials over bound | retained ours / DS | bytes ours / DS |");
    System.out.println("|---|---|---|---|---|---|---|---|---|---|");
    for (int parts : new int[] {1, 8}) {
      if (parts > 1) {
        System.out.println("| merged from " + parts + " parts | | | | | | | | | |");
      }
      for (int k : new int[] {50, 200}) {
        for (int n : new int[] {1_000, 10_000, 100_000, 1_000_000}) {
          Comparison c = compare(k, n, trials, parts);
          System.out.printf(
              "| %d | %,d | %d | %.4f | %.4f / %.4f | %d | %.4f / %.4f | %d | %.0f / %.0f | %.0f / %.0f |%n",
              k, n, trials, KllSketch.normalizedRankError(k), c.oursMean(), c.oursWorst(), c.oursOverBound(),
              c.theirsMean(), c.theirsWorst(), c.theirsOverBound(), c.oursRetained(), c.theirsRetained(),
              c.oursBytes(), c.theirsBytes());
        }
      }
    }
  }
}
