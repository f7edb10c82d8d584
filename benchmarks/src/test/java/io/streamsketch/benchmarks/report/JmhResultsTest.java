package io.streamsketch.benchmarks.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JmhResultsTest {
  @TempDir Path dir;

  @Test
  void pairsOursWithTheBaselineOfTheSameOperationClassAndParameters() throws IOException {
    Files.writeString(dir.resolve("hll.json"), "["
        + score("HllBench.oursMerge", "{\"p\":\"12\"}", 30)
        + "," + score("HllBench.dataSketchesMerge", "{\"p\":\"12\"}", 10)
        + "," + score("HllBench.dataSketchesMerge", "{\"p\":\"14\"}", 99)
        + "," + score("HllBench.oursEstimateAll", "{\"p\":\"12\"}", 5)
        + "]");

    String md = JmhResults.read(dir).markdown();

    assertThat(md).contains("| `hll.json` | HllBench | Merge | {p=12} | 30.0 ± 1.0 ns/op | dataSketchesMerge | 10.0 ± 1.0 ns/op | 3.00 |");
    assertThat(md).doesNotContain("99.0");
    assertThat(md).contains("Benchmarks without a baseline").contains("oursEstimateAll");
  }

  @Test
  void skipsFilesThatAreNotJmhResultsAndSaysSo() throws IOException {
    Files.writeString(dir.resolve("other.json"), "{\"not\": \"jmh\"}");
    Files.writeString(dir.resolve("broken.json"), "[{");

    String md = JmhResults.read(dir).markdown();

    assertThat(md).contains("No JMH result");
    Files.writeString(dir.resolve("a.json"), "[" + score("B.oursAdd", null, 1) + "," + score("B.theirsAdd", null, 2) + "]");
    assertThat(JmhResults.read(dir).markdown())
        .contains("`other.json` (not a JMH result, skipped)")
        .contains("`broken.json` (not JSON, skipped")
        .contains("| 0.50 |");
  }

  private static String score(String benchmark, String params, double score) {
    return "{\"benchmark\":\"io.streamsketch.benchmarks." + benchmark + "\","
        + (params == null ? "" : "\"params\":" + params + ",")
        + "\"primaryMetric\":{\"score\":" + score + ",\"scoreError\":1.0,\"scoreUnit\":\"ns/op\"}}";
  }
}
