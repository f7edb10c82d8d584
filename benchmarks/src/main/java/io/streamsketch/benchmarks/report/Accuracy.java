package io.streamsketch.benchmarks.report;

import com.clearspring.analytics.stream.frequency.CountMinSketch;
import io.streamsketch.sketch.bloom.BloomFilter;
import io.streamsketch.sketch.hll.HyperLogLog;
import io.streamsketch.sketch.sampling.SkipReservoir;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.apache.datasketches.filters.bloomfilter.BloomFilterBuilder;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;
import org.apache.datasketches.sampling.ReservoirItemsSketch;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The accuracy charts of the report: each sketch against its peer and its theoretical bound, on seeded synthetic
 * streams (the same figures every time, except DataSketches' reservoir, which takes no seed).
 */
final class Accuracy {
  private static final long SEED = 7;

  private Accuracy() {}

  static String chartsMarkdown(Path results, String machineLine) throws IOException {
    StringBuilder md = new StringBuilder("## Accuracy\n\n");
    md.append(machineLine)
        .append(" The accuracy figures do not depend on the load (load when they were drawn: ")
        .append(Files.readString(Paths.get("/proc/loadavg")).trim())
        .append(").\n\n");
    md.append(hyperLogLog(results.resolve("hll-error.png")));
    md.append(bloom(results.resolve("bloom-fpr.png")));
    md.append(countMin(results.resolve("cms-error.png")));
    md.append(reservoir(results.resolve("reservoir-inclusion.png")));
    return md.toString();
  }

  /** Relative RMS error against the true number of distinct items, p = 12, over seeded trials. */
  private static String hyperLogLog(Path png) throws IOException {
    int precision = 12;
    int trials = 30;
    long[] checkpoints = {10, 30, 100, 300, 1_000, 3_000, 10_000, 30_000, 100_000, 300_000, 1_000_000};
    double[] ours = new double[checkpoints.length];
    double[] theirs = new double[checkpoints.length];
    for (int t = 0; t < trials; t++) {
      HyperLogLog hll = HyperLogLog.create(precision, SEED + t);
      HllSketch ds = new HllSketch(precision, TgtHllType.HLL_8);
      long base = (long) t << 40;
      int c = 0;
      for (long i = 1; i <= checkpoints[checkpoints.length - 1]; i++) {
        hll.update(base + i);
        ds.update(base + i);
        if (i == checkpoints[c]) {
          ours[c] += square(hll.estimate() / i - 1);
          theirs[c] += square(ds.getEstimate() / i - 1);
          c++;
        }
      }
    }
    double bound = 1.04 / Math.sqrt(1 << precision);
    XYChart chart = chart("HyperLogLog p = 12 (4,096 registers): relative RMS error over " + trials + " seeded streams",
        "distinct items (log)", "relative RMS error");
    chart.getStyler().setXAxisLogarithmic(true);
    double[] x = Arrays.stream(checkpoints).asDoubleStream().toArray();
    line(chart, "ours (io.streamsketch.sketch.hll)", x, rms(ours, trials));
    line(chart, "DataSketches HLL_8, lgK 12", x, rms(theirs, trials));
    dashed(chart, "1.04/sqrt(m) = " + String.format(Locale.ROOT, "%.4f", bound), x, constant(bound, x.length));
    BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    return section("HyperLogLog: relative error against cardinality", png,
        "Distinct longs fed to both sketches at once; at each cardinality the RMS of estimate / truth − 1 over "
            + trials + " streams (ours seeded " + SEED + " + trial). The dense regime's standard error is"
            + " 1.04/√m; below about 2.5·m distinct items both sketches are sparse or corrected and nearly exact.",
        "cardinality", x, "ours", rms(ours, trials), "DataSketches", rms(theirs, trials));
  }

  /** False-positive rate against bits per item, with the optimal number of hashes. */
  private static String bloom(Path png) throws IOException {
    int items = 10_000;
    int queries = 200_000;
    double[] bitsPerItem = IntStream.rangeClosed(2, 16).asDoubleStream().toArray();
    double[] ours = new double[bitsPerItem.length];
    double[] theirs = new double[bitsPerItem.length];
    double[] formula = new double[bitsPerItem.length];
    for (int b = 0; b < bitsPerItem.length; b++) {
      long bits = (long) (bitsPerItem[b] * items);
      int hashes = Math.max(1, (int) Math.round(bitsPerItem[b] * Math.log(2)));
      BloomFilter filter = BloomFilter.withSize(bits, hashes, SEED);
      org.apache.datasketches.filters.bloomfilter.BloomFilter ds = BloomFilterBuilder.createBySize(bits, hashes, SEED);
      for (long i = 0; i < items; i++) {
        filter.add(i);
        ds.update(i);
      }
      int oursFalse = 0;
      int theirsFalse = 0;
      for (long q = 1L << 40; q < (1L << 40) + queries; q++) {
        oursFalse += filter.mightContain(q) ? 1 : 0;
        theirsFalse += ds.query(q) ? 1 : 0;
      }
      ours[b] = (double) oursFalse / queries;
      theirs[b] = (double) theirsFalse / queries;
      formula[b] = Math.pow(1 - Math.exp(-(double) hashes * items / bits), hashes);
    }
    XYChart chart = chart("Bloom filter: false-positive rate, " + String.format(Locale.ROOT, "%,d", items)
        + " items, k = round(b ln 2), " + String.format(Locale.ROOT, "%,d", queries) + " non-members queried",
        "bits per item b", "false-positive rate (log)");
    chart.getStyler().setYAxisLogarithmic(true);
    line(chart, "ours (io.streamsketch.sketch.bloom)", bitsPerItem, ours);
    line(chart, "DataSketches BloomFilter", bitsPerItem, theirs);
    dashed(chart, "(1 - e^(-kn/m))^k", bitsPerItem, formula);
    BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    return section("Bloom filter: false-positive rate against bits per item", png,
        "Both filters get the same bits and hashes (DataSketches 6.2.0 has a BloomFilter); the dashed line is the"
            + " textbook formula.",
        "bits per item", bitsPerItem, "ours", ours, "DataSketches", theirs, "formula", formula);
  }

  /** Over-estimates of a Zipf stream against ε, δ = 0.01, next to stream-lib's Count-Min. */
  private static String countMin(Path png) throws IOException {
    int distinct = 100_000;
    int length = 1_000_000;
    double delta = 0.01;
    double[] epsilons = {0.1, 0.05, 0.02, 0.01, 0.005, 0.002, 0.001};
    int[] stream = zipfStream(distinct, length, 1.1, new SplittableRandom(SEED));
    long[] truth = new long[distinct];
    for (int item : stream) {
      truth[item]++;
    }
    double[] oursMean = new double[epsilons.length];
    double[] oursP99 = new double[epsilons.length];
    double[] theirsMean = new double[epsilons.length];
    double[] theirsP99 = new double[epsilons.length];
    for (int e = 0; e < epsilons.length; e++) {
      io.streamsketch.sketch.cms.CountMinSketch cms =
          io.streamsketch.sketch.cms.CountMinSketch.builder().accuracy(epsilons[e], delta).seed(SEED).build();
      CountMinSketch lib = new CountMinSketch(epsilons[e], 1 - delta, (int) SEED);
      for (int item : stream) {
        cms.update(item, 1);
        lib.add(item, 1);
      }
      double[] oursErrors = new double[distinct];
      double[] theirsErrors = new double[distinct];
      for (int i = 0; i < distinct; i++) {
        oursErrors[i] = (double) (cms.estimate(i) - truth[i]) / length;
        theirsErrors[i] = (double) (lib.estimateCount(i) - truth[i]) / length;
      }
      oursMean[e] = Arrays.stream(oursErrors).average().orElse(0);
      theirsMean[e] = Arrays.stream(theirsErrors).average().orElse(0);
      oursP99[e] = quantile(oursErrors, 0.99);
      theirsP99[e] = quantile(theirsErrors, 0.99);
    }
    XYChart chart = chart("Count-Min, delta = 0.01: over-estimate / N of " + String.format(Locale.ROOT, "%,d", distinct)
        + " items, Zipf(1.1) stream of N = " + String.format(Locale.ROOT, "%,d", length),
        "epsilon (log)", "error / N (log)");
    chart.getStyler().setXAxisLogarithmic(true);
    chart.getStyler().setYAxisLogarithmic(true);
    line(chart, "ours, 99th percentile", epsilons, oursP99);
    line(chart, "ours, mean", epsilons, oursMean);
    line(chart, "stream-lib, 99th percentile", epsilons, theirsP99);
    line(chart, "stream-lib, mean", epsilons, theirsMean);
    dashed(chart, "bound epsilon (exceeded with probability <= delta)", epsilons, epsilons);
    BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    return section("Count-Min: error against ε", png,
        "Each item's estimate minus its true count, over N, for every item of the stream's domain; the guarantee is"
            + " error ≤ εN with probability 1 − δ per item, so the 99th percentile must stay below ε (DataSketches"
            + " 6.2.0 has no Count-Min; stream-lib's is the peer).",
        "epsilon", epsilons, "ours p99", oursP99, "ours mean", oursMean, "stream-lib p99", theirsP99,
        "stream-lib mean", theirsMean);
  }

  /** How often each of n items ends up in a sample of k, over many seeded trials. */
  private static String reservoir(Path png) throws IOException {
    int k = 10;
    int n = 100;
    int trials = 20_000;
    double[] ours = new double[n];
    double[] merged = new double[n];
    double[] theirs = new double[n];
    for (int t = 0; t < trials; t++) {
      SkipReservoir<Integer> single = SkipReservoir.create(k, new SplittableRandom(SEED * 1_000_003 + t));
      SkipReservoir<Integer> left = SkipReservoir.create(k, new SplittableRandom(SEED * 2_000_003 + t));
      SkipReservoir<Integer> right = SkipReservoir.create(k, new SplittableRandom(SEED * 3_000_017 + t));
      ReservoirItemsSketch<Integer> ds = ReservoirItemsSketch.newInstance(k);
      for (int i = 0; i < n; i++) {
        single.update(i);
        (i < n / 2 ? left : right).update(i);
        ds.update(i);
      }
      left.merge(right);
      single.sample().forEach(i -> ours[i]++);
      left.sample().forEach(i -> merged[i]++);
      for (Integer i : ds.getSamples()) {
        theirs[i]++;
      }
    }
    for (int i = 0; i < n; i++) {
      ours[i] /= trials;
      merged[i] /= trials;
      theirs[i] /= trials;
    }
    double p = (double) k / n;
    double band = 3 * Math.sqrt(p * (1 - p) / trials);
    double[] x = IntStream.range(0, n).asDoubleStream().toArray();
    XYChart chart = chart("Reservoir k = " + k + " of n = " + n + ": inclusion frequency per item over "
        + String.format(Locale.ROOT, "%,d", trials) + " trials", "item position in the stream", "inclusion frequency");
    chart.getStyler().setXAxisTickMarkSpacingHint(80);
    chart.getStyler().setYAxisMin(p - 3 * band);
    chart.getStyler().setYAxisMax(p + 3 * band);
    points(chart, "ours (SkipReservoir)", x, ours);
    points(chart, "ours, two reservoirs of 50 merged", x, merged);
    points(chart, "DataSketches ReservoirItemsSketch (unseeded)", x, theirs);
    dashed(chart, "k/n + 3 sd", x, constant(p + band, n));
    dashed(chart, "k/n - 3 sd", x, constant(p - band, n));
    BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    long outside = IntStream.range(0, n).filter(i -> Math.abs(ours[i] - p) > band).count();
    long mergedOutside = IntStream.range(0, n).filter(i -> Math.abs(merged[i] - p) > band).count();
    long theirsOutside = IntStream.range(0, n).filter(i -> Math.abs(theirs[i] - p) > band).count();
    return String.format(Locale.ROOT,
        "### Reservoir: inclusion frequencies\n\n![reservoir](%s)\n\nA uniform sample includes each item with"
            + " probability k/n = %.2f; the band is ±3 standard deviations of a frequency over %,d trials (±%.4f),"
            + " which each item leaves with probability 0.27%%. Items outside the band: ours %d, merged %d,"
            + " DataSketches %d of %d.\n\n",
        png.getFileName(), p, trials, band, outside, mergedOutside, theirsOutside, n);
  }

  private static int[] zipfStream(int distinct, int length, double exponent, SplittableRandom random) {
    double[] cdf = new double[distinct];
    double sum = 0;
    for (int i = 0; i < distinct; i++) {
      sum += 1 / Math.pow(i + 1, exponent);
      cdf[i] = sum;
    }
    int[] stream = new int[length];
    for (int j = 0; j < length; j++) {
      int found = Arrays.binarySearch(cdf, random.nextDouble() * sum);
      stream[j] = Math.min(distinct - 1, found >= 0 ? found : -found - 1);
    }
    return stream;
  }

  private static double quantile(double[] values, double q) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[(int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  }

  private static double square(double x) {
    return x * x;
  }

  private static double[] rms(double[] sumsOfSquares, int trials) {
    return Arrays.stream(sumsOfSquares).map(s -> Math.sqrt(s / trials)).toArray();
  }

  private static double[] constant(double value, int n) {
    double[] values = new double[n];
    Arrays.fill(values, value);
    return values;
  }

  private static XYChart chart(String title, String xTitle, String yTitle) {
    XYChart chart = new XYChartBuilder().width(1000).height(600).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
    chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNE);
    return chart;
  }

  private static void line(XYChart chart, String name, double[] x, double[] y) {
    chart.addSeries(name, x, positive(y)).setMarker(SeriesMarkers.CIRCLE);
  }

  private static void points(XYChart chart, String name, double[] x, double[] y) {
    XYSeries series = chart.addSeries(name, x, y);
    series.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
  }

  private static void dashed(XYChart chart, String name, double[] x, double[] y) {
    XYSeries series = chart.addSeries(name, x, positive(y));
    series.setMarker(SeriesMarkers.NONE);
    series.setLineStyle(new java.awt.BasicStroke(
        2f, java.awt.BasicStroke.CAP_BUTT, java.awt.BasicStroke.JOIN_MITER, 10f, new float[] {8f, 6f}, 0f));
  }

  /** Log axes cannot show 0 (a filter with no false positive among the queries): such points are left out. */
  private static double[] positive(double[] y) {
    return Arrays.stream(y).map(v -> v > 0 ? v : Double.NaN).toArray();
  }

  /** A figure, its explanation, and its values as a table. */
  private static String section(String title, Path png, String text, String xName, double[] x, Object... series) {
    StringBuilder md = new StringBuilder("### ").append(title).append("\n\n![](").append(png.getFileName())
        .append(")\n\n").append(text).append("\n\n");
    List<String> header = new ArrayList<>(List.of(xName));
    for (int s = 0; s < series.length; s += 2) {
      header.add((String) series[s]);
    }
    List<List<String>> rows = new ArrayList<>();
    for (int i = 0; i < x.length; i++) {
      List<String> row = new ArrayList<>(List.of(String.format(Locale.ROOT, "%,.4g", x[i])));
      for (int s = 1; s < series.length; s += 2) {
        row.add(String.format(Locale.ROOT, "%.3g", ((double[]) series[s])[i]));
      }
      rows.add(row);
    }
    return md.append(ReportCharts.table(header, rows)).toString();
  }
}
