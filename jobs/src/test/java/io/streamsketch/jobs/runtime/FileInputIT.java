package io.streamsketch.jobs.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsketch.jobs.StreamSketchCli;
import io.streamsketch.jobs.testing.OutputFiles;
import io.streamsketch.model.ClickEvent;
import io.streamsketch.model.EventKind;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** A single input file at parallelism 2: exact, reproducible late output, and the byte-level line rules. */
class FileInputIT {
  @RegisterExtension
  static final MiniClusterExtension CLUSTER =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

  private static final long T0 = 1_704_067_200_000L;
  private static final long HOUR = 3_600_000;
  private static final int VIEWS = 300;
  private static final ClickEvent AN_HOUR_LATE = view(VIEWS, T0 + 250_000 - HOUR);

  @TempDir Path dir;

  @Test
  void aSingleFileGivesTheSameLateEventsInEveryRunAtParallelismTwo() throws Exception {
    Path file = dir.resolve("events.jsonl");
    Files.write(file, lines());
    for (int run = 0; run < 3; run++) {
      Path output = dir.resolve("out-" + run);
      ByteArrayOutputStream stdout = new ByteArrayOutputStream();
      int status =
          StreamSketchCli.run(
              new String[] {
                "windowed-counts", "--input", file.toString(), "--output", output.toString(), "--parallelism", "2"
              },
              new PrintStream(stdout, true, StandardCharsets.UTF_8),
              System.err);
      String summary = stdout.toString(StandardCharsets.UTF_8);
      assertThat(status).as(summary).isZero();
      assertThat(OutputFiles.lines(output.resolve("late-tumbling"))).as("run " + run).containsExactly(AN_HOUR_LATE.toJson());
      // The first line, after a byte-order mark, is an event; the range and UTF-8 violations are dead letters.
      assertThat(summary).containsPattern("events\\s+" + String.format("%,d", VIEWS + 1));
      assertThat(deadLetterReasons(output))
          .containsExactlyInAnyOrder(
              "eventTime -9223372036854775808 is out of range [0, 253402300799999] (1970-01-01 to 9999-12-31 UTC, in"
                  + " epoch milliseconds)",
              "invalid UTF-8 at byte 27");
    }
  }

  /** A byte-order mark, VIEWS views a second apart with one an hour late among them, and two bad lines. */
  private static byte[] lines() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
    for (int i = 0; i < VIEWS; i++) {
      out.writeBytes(utf8(view(i, T0 + i * 1_000L).toJson() + "\n"));
      if (i == 250) {
        out.writeBytes(utf8(AN_HOUR_LATE.toJson() + "\n"));
        out.writeBytes(
            utf8(
                "{\"eventId\":900,\"userId\":\"u\",\"pageId\":\"p\",\"kind\":\"VIEW\",\"adId\":null,"
                    + "\"eventTime\":-9223372036854775808}\n"));
        byte[] invalid = utf8(view(901, T0 + i * 1_000L).toJson() + "\n");
        invalid[27] = (byte) 0xFF; // Inside the userId.
        out.writeBytes(invalid);
      }
    }
    return out.toByteArray();
  }

  private static List<String> deadLetterReasons(Path output) throws Exception {
    List<String> reasons = new ArrayList<>();
    for (String line : OutputFiles.lines(output.resolve(OutputFolders.DEAD_LETTERS))) {
      Map<String, Object> fields = OutputFiles.fields(line);
      reasons.add((String) fields.get("reason"));
    }
    return reasons;
  }

  private static ClickEvent view(long id, long time) {
    return new ClickEvent(id, "u" + id, "p" + (id % 3), EventKind.VIEW, null, time);
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
