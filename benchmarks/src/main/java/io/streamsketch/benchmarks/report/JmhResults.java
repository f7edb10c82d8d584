package io.streamsketch.benchmarks.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Every JMH result ({@code -rf json}) in the results folder, as tables of our operations against the baseline's:
 * a benchmark method {@code oursX} is paired with {@code theirsX}, {@code dataSketchesX} or {@code streamLibX} of
 * the same class, file and parameters.
 */
final class JmhResults {
  private static final List<String> BASELINE_PREFIXES = List.of("theirs", "dataSketches", "streamLib");

  /** One benchmark score. */
  record Score(String file, String benchmarkClass, String method, String params, double score, double error, String unit) {}

  private final List<Score> scores;
  private final List<String> files;

  private JmhResults(List<Score> scores, List<String> files) {
    this.scores = scores;
    this.files = files;
  }

  static JmhResults read(Path results) throws IOException {
    ObjectMapper mapper = new ObjectMapper();
    List<Score> scores = new ArrayList<>();
    List<String> files = new ArrayList<>();
    List<Path> jsons;
    try (Stream<Path> listing = Files.list(results)) {
      jsons = listing.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
    }
    for (Path json : jsons) {
      JsonNode root;
      try {
        root = mapper.readTree(json.toFile());
      } catch (IOException e) {
        files.add("`" + json.getFileName() + "` (not JSON, skipped: " + e.getMessage().lines().findFirst().orElse("") + ")");
        continue;
      }
      if (!root.isArray() || root.isEmpty() || !root.get(0).has("benchmark")) {
        files.add("`" + json.getFileName() + "` (not a JMH result, skipped)");
        continue;
      }
      files.add("`" + json.getFileName() + "`");
      for (JsonNode b : root) {
        String benchmark = b.get("benchmark").asText();
        int dot = benchmark.lastIndexOf('.');
        String benchmarkClass = benchmark.substring(benchmark.lastIndexOf('.', dot - 1) + 1, dot);
        Map<String, String> params = new TreeMap<>();
        if (b.has("params")) {
          b.get("params").fields().forEachRemaining(e -> params.put(e.getKey(), e.getValue().asText()));
        }
        JsonNode metric = b.get("primaryMetric");
        scores.add(
            new Score(
                json.getFileName().toString(),
                benchmarkClass,
                benchmark.substring(dot + 1),
                params.isEmpty() ? "" : params.toString(),
                metric.get("score").asDouble(),
                metric.get("scoreError").asDouble(),
                metric.get("scoreUnit").asText()));
      }
    }
    return new JmhResults(scores, files);
  }

  String markdown() {
    StringBuilder md = new StringBuilder("## Sketch micro-benchmarks against their baselines\n\n");
    if (scores.isEmpty()) {
      return md.append("No JMH result (`benchmarks/results/*.json`) was found; `report.sh --jmh` runs them.\n\n")
          .toString();
    }
    md.append("From the JMH result files in `benchmarks/results/` (each was measured when it was written, not by"
            + " this run of the report; its machine and load are in the `.md` beside it, where there is one): ")
        .append(String.join(", ", files))
        .append(". Time per operation (lower is better); ratio = ours / baseline, below 1 means ours is faster.\n\n");
    List<List<String>> rows = new ArrayList<>();
    List<List<String>> unpaired = new ArrayList<>();
    for (Score s : scores) {
      if (s.method().startsWith("ours")) {
        String operation = s.method().substring("ours".length());
        List<Score> baselines =
            scores.stream()
                .filter(t -> t.file().equals(s.file()) && t.benchmarkClass().equals(s.benchmarkClass())
                    && t.params().equals(s.params())
                    && BASELINE_PREFIXES.stream().anyMatch(p -> t.method().equals(p + operation)))
                .toList();
        if (baselines.isEmpty()) {
          unpaired.add(row(s));
        }
        for (Score t : baselines) {
          rows.add(List.of(
              "`" + s.file() + "`", s.benchmarkClass(), operation, s.params(), format(s), t.method(), format(t),
              t.unit().equals(s.unit()) ? String.format(Locale.ROOT, "%.2f", s.score() / t.score()) : "units differ"));
        }
      } else if (BASELINE_PREFIXES.stream().noneMatch(p -> s.method().startsWith(p))) {
        unpaired.add(row(s));
      }
    }
    md.append(ReportCharts.table(
        List.of("file", "benchmark", "operation", "params", "ours", "baseline", "baseline score", "ours / baseline"),
        rows));
    if (!unpaired.isEmpty()) {
      md.append("Benchmarks without a baseline of the same name:\n\n");
      md.append(ReportCharts.table(List.of("file", "benchmark", "method", "params", "score"), unpaired));
    }
    return md.toString();
  }

  private static List<String> row(Score s) {
    return List.of("`" + s.file() + "`", s.benchmarkClass(), s.method(), s.params(), format(s));
  }

  private static String format(Score s) {
    return String.format(Locale.ROOT, "%,.1f ± %,.1f %s", s.score(), Double.isNaN(s.error()) ? 0 : s.error(), s.unit());
  }
}
