package io.streamsketch.jobs.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsketch.jobs.StreamSketchCli;
import io.streamsketch.jobs.testing.Await;
import io.streamsketch.jobs.testing.CliRun;
import io.streamsketch.jobs.testing.OutputFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code java -jar} lifecycle: a run killed midway (its JVM, with kill -9) resumes from its latest retained
 * checkpoint into the same output folder and ends with exactly the results of an uninterrupted run; a restore with a
 * changed window or output is refused with one line; a non-empty output folder is refused unless the run resumes
 * into it or {@code --overwrite} is given.
 */
class RestoreLifecycleIT {
  private static final List<String> JOB =
      List.of(
          "windowed-counts", "--tumbling-window", "10s", "--sliding-window", "30s", "--slide", "10s",
          "--events", "40000", "--seed", "3", "--users", "500", "--pages", "50", "--max-delay", "1s",
          "--late-fraction", "0", "--parallelism", "2");

  @TempDir Path temp;
  private Path conf;
  private Path checkpoints;

  @BeforeEach
  void configuration() throws IOException {
    conf = Files.createDirectories(temp.resolve("conf"));
    checkpoints = temp.resolve("checkpoints");
    Files.writeString(
        conf.resolve("config.yaml"),
        String.join(
            "\n",
            "state.backend.type: rocksdb",
            "execution.checkpointing.incremental: true",
            "execution.checkpointing.interval: 300 ms",
            "execution.checkpointing.dir: " + checkpoints.toUri(),
            "execution.checkpointing.externalized-checkpoint-retention: RETAIN_ON_CANCELLATION",
            "parallelism.default: 2",
            "taskmanager.numberOfTaskSlots: 2",
            "pipeline.generic-types: false",
            ""));
  }

  @Test
  void aKilledRunResumesIntoItsOutputWithTheResultsOfAnUninterruptedRun() throws Exception {
    Path output = temp.resolve("out");
    killMidway(output);

    CliRun changedWindow = cli(args(output, "--resume", checkpoints.toString(), "--tumbling-window", "20s"));
    assertThat(changedWindow.status()).isEqualTo(2);
    assertThat(changedWindow.err().strip())
        .isEqualTo(
            "error: --tumbling-window is 20000ms but the state being restored was written with 10000ms; restore with"
                + " the same value, or start without the savepoint");
    List<String> sessions = new ArrayList<>(List.of("sessions", "--conf-dir", conf.toString()));
    sessions.addAll(List.of("--output", output.toString(), "--resume", checkpoints.toString()));
    CliRun otherJob = cli(sessions);
    assertThat(otherJob.status()).isEqualTo(2);
    assertThat(otherJob.err()).startsWith("error: ").contains("it is not a savepoint of this job").hasLineCount(1);
    CliRun otherOutput = cli(args(temp.resolve("elsewhere"), "--resume", checkpoints.toString()));
    assertThat(otherOutput.status()).isEqualTo(2);
    assertThat(otherOutput.err()).startsWith("error: --output is " + temp.resolve("elsewhere"));

    CliRun resumed = cli(args(output, "--resume", checkpoints.toString()));
    assertThat(resumed.status()).as(resumed.err()).isZero();
    Path uninterrupted = temp.resolve("uninterrupted");
    assertThat(cli(args(uninterrupted)).status()).isZero();

    Map<String, List<String>> results = results(output);
    assertThat(results).isEqualTo(results(uninterrupted));
    for (Map.Entry<String, List<String>> out : results.entrySet()) {
      assertThat(new HashSet<>(out.getValue())).as("duplicates in %s", out.getKey()).hasSameSizeAs(out.getValue());
    }
    assertThat(results.get("tumbling-counts")).isNotEmpty();
    try (Stream<Path> files = Files.walk(output)) {
      assertThat(files.filter(f -> f.getFileName().toString().contains(".inprogress")).toList()).isEmpty();
    }
  }

  /** Runs the job in its own JVM and kills it (SIGKILL) once a checkpoint is complete and results are committed. */
  private void killMidway(Path output) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(arg -> arg.startsWith("--add-") || arg.startsWith("-Xmx")).toList());
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), StreamSketchCli.class.getName()));
    command.addAll(args(output, "--rate", "5000"));
    Process process =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(temp.resolve("killed.log").toFile()).start();
    try {
      Await.until(
          () -> hasCheckpoint() && committed(output) && process.isAlive(),
          "a complete checkpoint and committed results",
          Duration.ofMinutes(3));
    } finally {
      process.destroyForcibly();
      process.waitFor(1, TimeUnit.MINUTES);
    }
    assertThat(Files.readString(temp.resolve("killed.log"))).doesNotContain("windowed-counts: ");
  }

  /** Whether a complete checkpoint exists; Flink deletes older ones while this looks, which a walk may trip over. */
  private boolean hasCheckpoint() {
    try {
      return Restore.latestCheckpoint(checkpoints).isPresent();
    } catch (UncheckedIOException e) {
      return false;
    }
  }

  private static boolean committed(Path output) {
    try {
      return !OutputFiles.lines(output.resolve("tumbling-counts")).isEmpty();
    } catch (IOException e) {
      return false;
    }
  }

  @Test
  void aNonEmptyOutputFolderIsRefusedUnlessOverwritten() throws Exception {
    Path output = Files.createDirectories(temp.resolve("out"));
    Files.writeString(output.resolve("notes.txt"), "mine");
    CliRun refused = cli(args(output));
    assertThat(refused.status()).isEqualTo(2);
    assertThat(refused.err().strip())
        .isEqualTo(
            "error: --output " + output + " is not empty: pass --overwrite to replace its results, or"
                + " --resume/--from-savepoint to continue the run that wrote them");
    CliRun foreign = cli(args(output, "--overwrite"));
    assertThat(foreign.status()).isEqualTo(2);
    assertThat(foreign.err()).contains(output.resolve("notes.txt") + " is not a result folder");
    assertThat(output.resolve("notes.txt")).hasContent("mine");

    Files.delete(output.resolve("notes.txt"));
    Path stale = Files.createDirectories(output.resolve("tumbling-counts")).resolve("part-stale-0.jsonl");
    Files.writeString(stale, "{\"stale\":true}\n");
    CliRun overwritten = cli(args(output, "--overwrite", "--events", "2000"));
    assertThat(overwritten.status()).as(overwritten.err()).isZero();
    assertThat(stale).doesNotExist();
    assertThat(OutputFiles.lines(output.resolve("tumbling-counts"))).isNotEmpty().noneMatch(line -> line.contains("stale"));
  }

  @Test
  void restorePathsAreCheckedBeforeTheJobStarts() throws Exception {
    Files.createDirectories(checkpoints.resolve("0123abcd").resolve("chk-3"));
    CliRun none = cli(args(null, "--resume", checkpoints.toString()));
    assertThat(none.status()).isEqualTo(2);
    assertThat(none.err().strip())
        .isEqualTo(
            "error: --resume " + checkpoints + ": no complete checkpoint there (a chk-N folder with a _metadata file);"
                + " start without --resume");
    CliRun notASavepoint = cli(args(null, "--from-savepoint", temp.toString()));
    assertThat(notASavepoint.status()).isEqualTo(2);
    assertThat(notASavepoint.err().strip())
        .isEqualTo(
            "error: --from-savepoint " + temp + " is not a savepoint or retained checkpoint: it has no _metadata file");
  }

  @Test
  void theLatestCompleteCheckpointWinsAcrossJobFolders() throws IOException {
    for (String folder : List.of("jobA/chk-4", "jobA/chk-9", "jobB/chk-12", "jobB/chk-15", "jobB/shared")) {
      Files.createDirectories(checkpoints.resolve(folder));
    }
    for (String complete : List.of("jobA/chk-4", "jobA/chk-9", "jobB/chk-12")) {
      Files.writeString(checkpoints.resolve(complete).resolve("_metadata"), "");
    }
    assertThat(Restore.latestCheckpoint(checkpoints)).contains(checkpoints.resolve("jobB/chk-12"));
  }

  private List<String> args(Path output, String... more) {
    List<String> args = new ArrayList<>(JOB);
    args.addAll(List.of("--conf-dir", conf.toString()));
    if (output != null) {
      args.addAll(List.of("--output", output.toString()));
    }
    // A later value of an option replaces the earlier one.
    args.addAll(List.of(more));
    return args;
  }

  private static Map<String, List<String>> results(Path output) throws IOException {
    Map<String, List<String>> results = new TreeMap<>();
    try (Stream<Path> folders = Files.list(output)) {
      for (Path folder : folders.filter(Files::isDirectory).toList()) {
        List<String> lines = new ArrayList<>(OutputFiles.lines(folder));
        lines.sort(null);
        results.put(folder.getFileName().toString(), lines);
      }
    }
    return results;
  }

  private static CliRun cli(List<String> args) throws Exception {
    return CliRun.of(args.toArray(String[]::new));
  }
}
