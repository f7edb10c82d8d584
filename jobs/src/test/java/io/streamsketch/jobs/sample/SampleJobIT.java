package io.streamsketch.jobs.sample;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsketch.generator.GeneratorConfig;
import io.streamsketch.jobs.testing.GeneratedRuns;
import io.streamsketch.jobs.testing.OutputFiles;
import io.streamsketch.model.ClickEvent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@code sample} at parallelism 2 on the generator, twice with different reservoir seeds, and checks each
 * window's final sample: drawn from the window's events, of size min(k, n), and uniform: over all windows of both
 * runs, the inclusions per quarter of each window's arrival order, and per source subtask, match the expected k/n per
 * event (chi-square at p = 0.001). The second run has {@code --verify}: each record also carries the window's exact
 * event count and a DataSketches reservoir's min(k, n) event ids, all of the window. A run with {@code --exact} must
 * count each window's events exactly and draw min(k, n) distinct events of the window.
 */
class SampleJobIT {
  @RegisterExtension
  static final MiniClusterExtension CLUSTER =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

  private static final int K = 5;
  private static final GeneratorConfig CONFIG =
      GeneratorConfig.defaults().withEvents(40_000).withSeed(3).withUsersAndPages(2_000, 100).withDisorder(5_000, 0.005, 0);

  @TempDir Path dir;

  @Test
  void samplesAreUniformOverArrivalOrderAndSubtasks() throws Exception {
    double[] observedByQuarter = new double[4];
    double[] expectedByQuarter = new double[4];
    double[] observedBySubtask = new double[2];
    double[] expectedBySubtask = new double[2];
    int windows = 0;
    for (String seed : List.of("1", "2")) {
      Path output = dir.resolve("seed-" + seed);
      boolean verify = seed.equals("2");
      List<String> options = new ArrayList<>(List.of("--k", Integer.toString(K), "--sample-seed", seed));
      if (verify) {
        options.add("--verify");
      }
      GeneratedRuns.run(SampleJob.NAME, CONFIG, output, options.toArray(String[]::new));
      if (verify) {
        assertThat(OutputFiles.lines(output.resolve(SampleJob.SAMPLES)))
            .allSatisfy(line -> assertThat(line).contains("\"exactItemsSeen\":", "\"datasketchesEventIds\":"));
      }
      Map<Long, List<ClickEvent>> events = GeneratedRuns.acceptedByWindow(CONFIG, output.resolve(SampleJob.LATE_EVENTS), e -> true);
      Map<String, String> samples =
          GeneratedRuns.highestFirings(output.resolve(SampleJob.SAMPLES), r -> r.get("windowStart").toString());
      assertThat(samples).hasSameSizeAs(events);
      for (Map.Entry<Long, List<ClickEvent>> window : events.entrySet()) {
        List<ClickEvent> arrivals = window.getValue();
        int n = arrivals.size();
        String line = samples.get(window.getKey().toString());
        assertThat(OutputFiles.fields(line).get("itemsSeen")).isEqualTo((long) n);
        Map<Long, Integer> rank = new HashMap<>();
        for (int i = 0; i < n; i++) {
          rank.put(arrivals.get(i).eventId, i);
          expectedByQuarter[4 * i / n] += Math.min(K, n) / (double) n;
          expectedBySubtask[(int) (arrivals.get(i).eventId % 2)] += Math.min(K, n) / (double) n;
        }
        List<Long> sampled =
            OutputFiles.objectsIn(line, "events").stream().map(e -> (Long) e.get("eventId")).collect(Collectors.toList());
        assertThat(sampled).hasSize(Math.min(K, n)).doesNotHaveDuplicates();
        for (long id : sampled) {
          assertThat(rank).as("sampled event %d is of window %d", id, window.getKey()).containsKey(id);
          observedByQuarter[4 * rank.get(id) / n]++;
          observedBySubtask[(int) (id % 2)]++;
        }
        if (verify) {
          assertThat(OutputFiles.fields(line).get("exactItemsSeen")).isEqualTo((long) n);
          assertThat(datasketchesEventIds(line))
              .as("DataSketches' sample of window %d", window.getKey())
              .hasSize(Math.min(K, n))
              .doesNotHaveDuplicates()
              .allSatisfy(id -> assertThat(rank).containsKey(id));
        }
        windows++;
      }
    }
    assertThat(windows).isGreaterThan(100);
    assertThat(chiSquare(observedByQuarter, expectedByQuarter)).as("quarters").isLessThan(16.27); // 3 dof, p = 0.001
    assertThat(chiSquare(observedBySubtask, expectedBySubtask)).as("subtasks").isLessThan(10.83); // 1 dof, p = 0.001
  }

  @Test
  void exactSamplesMinKNDistinctEventsOfTheWindowAndCountsItExactly() throws Exception {
    Path output = dir.resolve("exact");
    GeneratedRuns.run(SampleJob.NAME, CONFIG, output, "--k", Integer.toString(K), "--exact");
    Map<Long, List<ClickEvent>> events = GeneratedRuns.acceptedByWindow(CONFIG, output.resolve(SampleJob.LATE_EVENTS), e -> true);
    Map<String, String> samples =
        GeneratedRuns.highestFirings(output.resolve(SampleJob.SAMPLES), r -> r.get("windowStart").toString());
    assertThat(samples).hasSameSizeAs(events);
    for (Map.Entry<Long, List<ClickEvent>> window : events.entrySet()) {
      int n = window.getValue().size();
      Set<Long> windowEventIds = window.getValue().stream().map(e -> e.eventId).collect(Collectors.toSet());
      String line = samples.get(window.getKey().toString());
      assertThat(OutputFiles.fields(line).get("itemsSeen")).isEqualTo((long) n);
      assertThat(OutputFiles.objectsIn(line, "events").stream().map(e -> (Long) e.get("eventId")).toList())
          .as("sample of window %d", window.getKey())
          .hasSize(Math.min(K, n))
          .doesNotHaveDuplicates()
          .allSatisfy(id -> assertThat(windowEventIds).contains(id));
    }
  }

  private static List<Long> datasketchesEventIds(String line) {
    String ids = line.substring(line.indexOf("\"datasketchesEventIds\":[") + "\"datasketchesEventIds\":[".length());
    ids = ids.substring(0, ids.indexOf(']'));
    return ids.isBlank() ? List.of() : Arrays.stream(ids.split(",")).map(id -> Long.parseLong(id.trim())).toList();
  }

  private static double chiSquare(double[] observed, double[] expected) {
    double sum = 0;
    for (int i = 0; i < observed.length; i++) {
      sum += (observed[i] - expected[i]) * (observed[i] - expected[i]) / expected[i];
    }
    return sum;
  }
}
