package io.streamsketch.jobs.delayquantiles;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsketch.flink.io.ClickstreamSource;
import io.streamsketch.generator.ClickstreamGenerator;
import io.streamsketch.generator.GeneratorConfig;
import io.streamsketch.jobs.StreamSketchCli;
import io.streamsketch.jobs.testing.GeneratedRuns;
import io.streamsketch.jobs.testing.OutputFiles;
import io.streamsketch.model.ClickEvent;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@code delay-quantiles} at parallelism 2 on the generator and on a file of the same events, and checks every
 * window against the exact delays recomputed from the input: count and max exactly, and each quantile within the
 * sketch's rank error, which holds for one quantile with probability at least 99%.
 */
class DelayQuantilesJobIT {
  @RegisterExtension
  static final MiniClusterExtension CLUSTER =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

  /** 5 s of disorder, and 0.5% of events held back 1 to 2 hours: the tail the p99.9 and the max must show. */
  static final GeneratorConfig CONFIG =
      GeneratorConfig.defaults().withEvents(60_000).withSeed(11).withUsersAndPages(3_000, 100).withDisorder(5_000, 0.005, 0);

  /** About 780 events per window (the generator's 60,000 events span about 2.5 hours of event time). */
  static final long WINDOW = 120_000;
  /** Small, so that most windows hold far more delays than the sketch retains: its answers are estimates. */
  static final int K = 64;
  private static final double[] RANKS = {0.5, 0.9, 0.99, 0.999};
  private static final String[] FIELDS = {"p50", "p90", "p99", "p999"};

  @TempDir static Path dir;

  static Path generated;
  static String generatedSummary;
  static Path fromFile;

  @BeforeAll
  static void runJobs() throws Exception {
    generated = dir.resolve("generated");
    generatedSummary =
        GeneratedRuns.run(DelayQuantilesJob.NAME, CONFIG, generated, "--window", WINDOW + "ms", "--k", Integer.toString(K));
    Path input = dir.resolve("events.jsonl");
    List<String> lines = new ArrayList<>();
    ClickstreamGenerator events = new ClickstreamGenerator(CONFIG);
    while (events.hasNext()) {
      lines.add(events.next().toJson());
      if (lines.size() == 100) {
        lines.add("{\"not\": \"an event\"}");
      }
    }
    Files.write(input, lines);
    fromFile = dir.resolve("from-file");
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    int status =
        StreamSketchCli.run(
            new String[] {
              DelayQuantilesJob.NAME, "--input", input.toString(), "--output", fromFile.toString(), "--parallelism", "2",
              "--window", WINDOW + "ms", "--k", Integer.toString(K)
            },
            new PrintStream(stdout, true, StandardCharsets.UTF_8),
            System.err);
    assertThat(status).as(stdout.toString(StandardCharsets.UTF_8)).isZero();
  }

  /** Each window's exact delays (sorted), an event's split given by {@code split}, in the generator's order. */
  static Map<Long, long[]> exactDelays(Function<ClickEvent, String> split) {
    List<ClickEvent> all = new ArrayList<>();
    ClickstreamGenerator events = new ClickstreamGenerator(CONFIG);
    while (events.hasNext()) {
      all.add(events.next());
    }
    return exactDelays(all, split);
  }

  /** Each window's exact delays (sorted), of {@code events} in the order their splits were read. */
  static Map<Long, long[]> exactDelays(List<ClickEvent> events, Function<ClickEvent, String> split) {
    Map<String, Long> frontiers = new HashMap<>();
    Map<Long, List<Long>> windows = new TreeMap<>();
    for (ClickEvent event : events) {
      long frontier = frontiers.merge(split.apply(event), event.eventTime, Math::max);
      windows.computeIfAbsent(frontier - Math.floorMod(frontier, WINDOW), w -> new ArrayList<>()).add(frontier - event.eventTime);
    }
    Map<Long, long[]> sorted = new TreeMap<>();
    windows.forEach((start, delays) -> sorted.put(start, delays.stream().mapToLong(Long::longValue).sorted().toArray()));
    return sorted;
  }

  /** Per window start: the fields of the record with the highest firing. */
  static Map<Long, Map<String, Object>> finalRecords(Path output) throws Exception {
    Map<Long, Map<String, Object>> records = new TreeMap<>();
    GeneratedRuns.highestFirings(output.resolve(DelayQuantilesJob.QUANTILES), WINDOW, r -> r.get("windowStart").toString())
        .forEach((start, line) -> records.put(Long.parseLong(start), OutputFiles.fields(line)));
    return records;
  }

  /** Whether {@code estimate}'s exact normalized rank interval among {@code sorted} meets [rank − ε, rank + ε]. */
  static boolean withinRankError(long[] sorted, long estimate, double rank, double epsilon) {
    int below = lowerBound(sorted, estimate);
    int atMost = lowerBound(sorted, estimate + 1);
    double n = sorted.length;
    return below / n <= rank + epsilon && atMost / n >= rank - epsilon;
  }

  private static int lowerBound(long[] sorted, long value) {
    int index = Arrays.binarySearch(sorted, value);
    if (index < 0) {
      return -index - 1;
    }
    while (index > 0 && sorted[index - 1] == value) {
      index--;
    }
    return index;
  }

  /**
   * Each window's count and max are exact, and its quantiles within its rank error. One quantile misses with
   * probability at most 1% (99% confidence), so a window misses in any of its four with probability at most 4% (union
   * bound: the four share a sketch, so they are not independent), and windows are independent (each window's sketches
   * draw their own compaction coins). Over at most 100 windows, more than 11 windows with a miss has probability below
   * 0.001 (binomial tail, n = 100, p = 0.04: 0.00067): the significance level of this test.
   */
  static void assertMatchesExact(Path output, Map<Long, long[]> exact) throws Exception {
    Map<Long, Map<String, Object>> records = finalRecords(output);
    assertThat(records.keySet()).isEqualTo(exact.keySet());
    assertThat(exact).hasSizeBetween(40, 100);
    int estimated = 0;
    int windowsWithAMiss = 0;
    for (Map.Entry<Long, long[]> window : exact.entrySet()) {
      long[] delays = window.getValue();
      Map<String, Object> r = records.get(window.getKey());
      assertThat(r.get("count")).as("count of %s", window.getKey()).isEqualTo((long) delays.length);
      assertThat(r.get("max")).as("max of %s", window.getKey()).isEqualTo(delays[delays.length - 1]);
      double epsilon = (Double) r.get("rankError");
      if (epsilon > 0) {
        estimated++;
      }
      boolean miss = false;
      for (int q = 0; q < RANKS.length; q++) {
        miss |= !withinRankError(delays, (Long) r.get(FIELDS[q]), RANKS[q], epsilon);
      }
      if (miss) {
        windowsWithAMiss++;
      }
    }
    assertThat(estimated).as("windows whose sketch compacted").isGreaterThan(exact.size() / 2);
    assertThat(windowsWithAMiss).as("windows with a quantile outside its rank error").isLessThanOrEqualTo(11);
    assertThat(OutputFiles.lines(output.resolve(DelayQuantilesJob.LATE_DELAYS))).isEmpty();
    assertThat(OutputFiles.lines(output.resolve(DelayQuantilesJob.LATE_PARTIALS))).isEmpty();
  }

  @Test
  void generatedRunMatchesTheExactDelaysPerGeneratorPartition() throws Exception {
    int partitions = ClickstreamSource.DEFAULT_PARTITIONS;
    assertMatchesExact(generated, exactDelays(event -> Long.toString(Math.floorMod(event.eventId, partitions))));
  }

  /** One reader reads the file, in its order: one split. The malformed line is a dead letter, not a delay. */
  @Test
  void fileRunMatchesTheExactDelaysOfItsOneReader() throws Exception {
    assertMatchesExact(fromFile, exactDelays(event -> "file"));
    assertThat(OutputFiles.lines(fromFile.resolve("dead-letters"))).hasSize(1);
  }

  /**
   * The advice's p99 is within the rank error of the exact p99 of all delays, and says what share of events it puts
   * behind the watermark: about 1%.
   */
  @Test
  void summaryAdvisesTheWatermarkSettingsFromTheRunsDelays() {
    Matcher p99 =
        Pattern.compile("--out-of-orderness (\\d+)ms \\(p99\\): ([0-9.]+)% of events behind").matcher(generatedSummary);
    assertThat(p99.find()).as(generatedSummary).isTrue();
    assertThat(generatedSummary).contains("(p99.9)").contains("--allowed-lateness").contains("this run's --out-of-orderness 2000ms");
    int partitions = ClickstreamSource.DEFAULT_PARTITIONS;
    long[] all =
        exactDelays(event -> Long.toString(Math.floorMod(event.eventId, partitions))).values().stream()
            .flatMapToLong(Arrays::stream)
            .sorted()
            .toArray();
    Matcher error = Pattern.compile("within ±([0-9.]+)%").matcher(generatedSummary);
    assertThat(error.find()).isTrue();
    double epsilon = Double.parseDouble(error.group(1)) / 100;
    assertThat(withinRankError(all, Long.parseLong(p99.group(1)), 0.99, epsilon)).as(generatedSummary).isTrue();
    assertThat(Double.parseDouble(p99.group(2))).isBetween(0.0, 100 * (0.01 + epsilon));
  }
}
