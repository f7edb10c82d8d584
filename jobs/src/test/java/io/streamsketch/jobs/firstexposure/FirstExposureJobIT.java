package io.streamsketch.jobs.firstexposure;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsketch.flink.io.ClickEventParser;
import io.streamsketch.flink.io.MalformedEventException;
import io.streamsketch.generator.ClickstreamText;
import io.streamsketch.generator.GeneratorConfig;
import io.streamsketch.jobs.StreamSketchCli;
import io.streamsketch.jobs.testing.OutputFiles;
import io.streamsketch.model.ClickEvent;
import io.streamsketch.model.EventKind;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@code first-exposure --verify} and {@code first-exposure --exact} through the CLI at parallelism 2 on a
 * generated file, with a small capacity so the filters of the busy ads rotate, and checks every answer against an
 * exact computation over the same lines in the same order: no false negatives within the guaranteed memory, and as
 * many false positives as the stated rates predict.
 */
class FirstExposureJobIT {
  @RegisterExtension
  static final MiniClusterExtension CLUSTER =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

  private static final int CAPACITY = 100;
  private static final GeneratorConfig CONFIG =
      GeneratorConfig.defaults()
          .withEvents(40_000)
          .withSeed(11)
          .withUsersAndPages(1_000, 200)
          .withDisorder(5_000, 0.005, 0.005);

  @TempDir static Path dir;

  /** The impressions of the input, in its order: one file is one split, so each ad sees them in this order. */
  static List<ClickEvent> impressions;
  static Map<Long, Map<String, Object>> sketched;
  static Map<Long, Map<String, Object>> exact;

  @BeforeAll
  static void runJobs() throws Exception {
    Path input = dir.resolve("events.jsonl");
    try (Writer out = Files.newBufferedWriter(input)) {
      ClickstreamText.writeEvents(CONFIG, out);
    }
    impressions = new ArrayList<>();
    for (String line : Files.readAllLines(input)) {
      try {
        ClickEvent event = ClickEventParser.parse(line);
        if (event.kind == EventKind.AD_IMPRESSION) {
          impressions.add(event);
        }
      } catch (MalformedEventException e) {
        // A dead letter: not an impression.
      }
    }
    sketched =
        run(input, "sketch", "--verify", "--capacity", Integer.toString(CAPACITY), "--fpp", "0.05", "--cache-ads", "7");
    exact = run(input, "exact", "--exact");
  }

  private static Map<Long, Map<String, Object>> run(Path input, String name, String... options) throws Exception {
    Path output = dir.resolve(name);
    List<String> args =
        new ArrayList<>(
            List.of(
                FirstExposureJob.NAME, "--input", input.toString(), "--output", output.toString(), "--parallelism", "2"));
    args.addAll(List.of(options));
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    int status =
        StreamSketchCli.run(
            args.toArray(String[]::new), new PrintStream(stdout, true, StandardCharsets.UTF_8), System.err);
    String summary = stdout.toString(StandardCharsets.UTF_8);
    assertThat(status).as(summary).isZero();
    assertThat(summary).containsPattern("ad-exposures\\s+" + String.format("%,d", impressions.size()));
    Map<Long, Map<String, Object>> answers = new HashMap<>();
    for (String line : OutputFiles.lines(output.resolve(FirstExposureJob.EXPOSURES))) {
      Map<String, Object> fields = OutputFiles.fields(line);
      assertThat(answers.put((Long) fields.get("eventId"), fields)).as("one answer per impression").isNull();
    }
    assertThat(answers).hasSize(impressions.size());
    return answers;
  }

  @Test
  void exactAnswersAreTheInputsFirstExposures() {
    Map<String, Boolean> seen = new HashMap<>();
    long firstExposures = 0;
    for (ClickEvent impression : impressions) {
      boolean before = seen.put(impression.adId + "/" + impression.userId, true) != null;
      firstExposures += before ? 0 : 1;
      assertThat(exact.get(impression.eventId).get("seenBefore")).as("--exact, %s", impression).isEqualTo(before);
      assertThat(exact.get(impression.eventId).get("falsePositiveRate")).isEqualTo(0.0);
      assertThat(sketched.get(impression.eventId).get("exactSeenBefore")).as("--verify, %s", impression).isEqualTo(before);
    }
    assertThat(firstExposures).isBetween(impressions.size() / 10L, impressions.size() * 9L / 10);
  }

  @Test
  void noFalseNegativesForUsersWithinTheGuaranteedMemory() {
    // A user whose last impression of the ad is fewer than CAPACITY impressions of that ad ago is remembered: fewer
    // insertions than the capacity happened since, so at most one rotation.
    Map<String, Integer> impressionsOfAd = new HashMap<>();
    Map<String, Integer> lastImpression = new HashMap<>();
    long checked = 0;
    long rotatedAds = 0;
    for (ClickEvent impression : impressions) {
      int index = impressionsOfAd.merge(impression.adId, 1, Integer::sum);
      Integer last = lastImpression.put(impression.adId + "/" + impression.userId, index);
      if (last != null && index - last < CAPACITY) {
        Map<String, Object> answer = sketched.get(impression.eventId);
        assertThat(answer.get("seenBefore")).as("ours, %s", impression).isEqualTo(true);
        assertThat(answer.get("datasketchesSeenBefore")).as("DataSketches, %s", impression).isEqualTo(true);
        checked++;
      }
    }
    for (int count : impressionsOfAd.values()) {
      rotatedAds += count > 2 * CAPACITY ? 1 : 0;
    }
    assertThat(checked).isGreaterThan(impressions.size() / 10);
    assertThat(rotatedAds).as("ads whose filters rotated").isGreaterThan(3);
  }

  @Test
  void falsePositivesMatchTheStatedRates() {
    // Over true first exposures, each "seen" is a false positive with the stated probability: their count is a sum
    // of independent Bernoulli trials with mean Σ rate and variance Σ rate·(1 − rate).
    double expected = 0;
    double variance = 0;
    long ours = 0;
    long datasketches = 0;
    for (ClickEvent impression : impressions) {
      Map<String, Object> answer = sketched.get(impression.eventId);
      if (answer.get("exactSeenBefore").equals(false)) {
        double rate = (Double) answer.get("falsePositiveRate");
        assertThat(rate).isLessThan(1 - 0.95 * 0.95 + 0.02);
        expected += rate;
        variance += rate * (1 - rate);
        ours += answer.get("seenBefore").equals(true) ? 1 : 0;
        datasketches += answer.get("datasketchesSeenBefore").equals(true) ? 1 : 0;
      }
    }
    assertThat(expected).as("enough expected false positives to measure").isGreaterThan(50);
    double sigma = Math.sqrt(variance);
    assertThat((double) ours).as("our false positives").isBetween(expected - 4 * sigma, expected + 4 * sigma);
    // Same bits, hashes and rotation but other hashing: the same rate, checked loosely.
    assertThat((double) datasketches).as("DataSketches' false positives").isBetween(expected / 2, expected * 2);
  }
}
