package io.streamsketch.jobs.sessionsegments;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsketch.jobs.StreamSketchCli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A bad value of a session-segments option is one line on stderr and exit status 2, before anything runs. */
class SessionSegmentsOptionsTest {
  @TempDir Path dir;

  @ParameterizedTest(name = "--{0} {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "k|0|--k must be in [1, 100]",
        "decay|1.5|decay factor must be in [0, 1]",
        "half-life|0|half-life must be positive",
        "decay-unit|hours|--decay-unit must be one of batches, points",
        "batch|0s|--batch must be positive",
        "prior-precision|0|prior precision must be positive",
        "noise-precision|-1|--noise-precision must be a finite number of at least 0"
      })
  void aBadValueIsOneLineAndExitStatus2(String option, String value, String message) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        StreamSketchCli.run(
            new String[] {
              SessionSegmentsJob.NAME, "--" + option, value, "--events", "10", "--output", dir.resolve("out").toString()
            },
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    String stderr = err.toString(StandardCharsets.UTF_8);
    assertThat(status).as(stderr).isEqualTo(2);
    assertThat(stderr.lines()).hasSize(1);
    assertThat(stderr).contains(message);
  }
}
