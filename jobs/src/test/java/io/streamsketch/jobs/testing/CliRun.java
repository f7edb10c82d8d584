package io.streamsketch.jobs.testing;

import io.streamsketch.jobs.StreamSketchCli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** A command line's exit status, stdout and stderr; {@link #of} runs it through {@link StreamSketchCli#run} in the test JVM. */
public record CliRun(int status, String out, String err) {
  public static CliRun of(String... args) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        StreamSketchCli.run(
            args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    return new CliRun(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }
}
