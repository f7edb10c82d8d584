package io.streamsketch.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code --events 0} is an empty run: every job ends at once with a summary of zero counts (it used to fail with a
 * NullPointerException in the generator source).
 */
class EmptyGeneratorRunIT {
  @RegisterExtension
  static final MiniClusterExtension CLUSTER =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

  @ParameterizedTest
  @ValueSource(
      strings = {
        "windowed-counts", "sessions", "enrich", "ctr", "first-exposure", "unique-visitors", "top-pages", "sample",
        "delay-quantiles", "page-skew", "session-segments"
      })
  void aRunOfNoEventsEndsWithASummaryOfZeros(String job, @TempDir Path output) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        StreamSketchCli.run(
            new String[] {job, "--events", "0", "--parallelism", "2", "--output", output.resolve("out").toString()},
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));

    String summary = out.toString(StandardCharsets.UTF_8);
    assertThat(status).as(summary + err.toString(StandardCharsets.UTF_8)).isZero();
    assertThat(summary).contains(job + " finished in").containsPattern("(?m)^  events +0$");
    // Every count in the summary is 0.
    assertThat(summary.lines().filter(line -> line.matches("  [a-z-]+ +[0-9,]+")))
        .hasSizeGreaterThan(1)
        .allSatisfy(line -> assertThat(line).endsWith(" 0"));
  }
}
