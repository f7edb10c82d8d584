package io.streamsketch.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsketch.jobs.testing.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Local runs as a user starts them: on the embedded MiniCluster that the CLI itself creates (no test cluster), through
 * {@link StreamSketchCli#run} and, for what only {@code main} does (logging, exit status), through {@code java -jar}
 * of the packaged jar. The configuration has two task slots, like {@code flink-conf/config.yaml}, and a short slot
 * request timeout, so a run that waits for slots fails in seconds rather than five minutes.
 */
class LocalRunIT {
  private static final String CONFIG =
      String.join(
          "\n",
          "taskmanager.numberOfTaskSlots: 2",
          "parallelism.default: 2",
          "slot.request.timeout: 20 s",
          "state.backend.type: hashmap",
          "execution.checkpointing.interval: 1 s",
          "restart-strategy.type: none",
          "pipeline.generic-types: false",
          "");

  @TempDir Path dir;
  private Path conf;
  private Path checkpoints;

  @BeforeEach
  void configuration() throws Exception {
    conf = Files.createDirectories(dir.resolve("conf"));
    Files.writeString(conf.resolve("config.yaml"), CONFIG);
    checkpoints = dir.resolve("checkpoints");
  }

  private List<Path> jobFolders() throws Exception {
    try (Stream<Path> folders = Files.list(checkpoints)) {
      return folders.toList();
    }
  }

  @Test
  void aParallelismAboveTheConfiguredSlotsRunsAndLeavesNoCheckpoints() throws Exception {
    CliRun run =
        CliRun.of(
            "windowed-counts", "--conf-dir", conf.toString(), "--checkpoint-dir", checkpoints.toString(),
            "--parallelism", "3", "--events", "3000");
    assertThat(run.status()).as(run.err()).isZero();
    assertThat(run.out()).startsWith("windowed-counts finished in").containsPattern("events +3,000");
    assertThat(jobFolders()).as("a finished run's checkpoint folder is removed").isEmpty();
  }

  @Test
  void keepCheckpointsKeepsAFinishedRunsFolderAndSaysWhere() throws Exception {
    CliRun run =
        CliRun.of(
            "windowed-counts", "--conf-dir", conf.toString(), "--checkpoint-dir", checkpoints.toString(),
            "--events", "3000", "--keep-checkpoints");
    assertThat(run.status()).as(run.err()).isZero();
    assertThat(jobFolders()).hasSize(1);
    assertThat(run.out()).contains("  checkpoints in " + jobFolders().get(0));
  }

  @Test
  void aFailedJobIsOneLineWithItsRootCauseAndKeepsItsCheckpoints() throws Exception {
    CliRun run = CliRun.of(failingJob().toArray(String[]::new));
    assertThat(run.status()).isEqualTo(1);
    assertThat(run.out()).isEmpty();
    assertThat(run.err().lines())
        .singleElement()
        .asString()
        .startsWith("error: windowed-counts failed: FileNotFoundException: File ")
        .contains("dangling.jsonl does not exist");
    assertThat(jobFolders()).as("a failed run keeps its checkpoints to be resumed from").hasSize(1);
  }

  /** A job that starts (its input folder exists) and fails: the folder holds a link to a file that does not. */
  private List<String> failingJob() throws Exception {
    Path input = Files.createDirectories(dir.resolve("input"));
    Files.createSymbolicLink(input.resolve("dangling.jsonl"), dir.resolve("no-such-file"));
    return List.of(
        "windowed-counts", "--conf-dir", conf.toString(), "--checkpoint-dir", checkpoints.toString(),
        "--input", input.toString());
  }

  @Test
  void aJarRunPrintsOnlyTheSummaryAndLogsToAFileUnderTheUsersTempFolder() throws Exception {
    CliRun run = jar("windowed-counts", "--conf-dir", conf.toString(), "--parallelism", "3", "--events", "3000");
    assertThat(run.status()).as(run.err()).isZero();
    assertThat(run.err()).isEmpty();
    List<String> lines = run.out().lines().toList();
    assertThat(lines.get(0)).startsWith("windowed-counts finished in");
    assertThat(lines.subList(1, lines.size())).allMatch(line -> line.startsWith("  "));
    String last = lines.get(lines.size() - 1);
    assertThat(last).startsWith("  log in " + userFolder().resolve("logs"));
    Path log = Paths.get(last.substring("  log in ".length()));
    assertThat(Files.readString(log)).contains("INFO ", "windowed-counts");
    assertThat(userFolder().resolve("checkpoints")).isEmptyDirectory();
  }

  @Test
  void aFailedJarRunIsOneLineNamingTheLogThatHoldsTheStackTrace() throws Exception {
    CliRun run = jar(failingJob().toArray(String[]::new));
    assertThat(run.status()).isEqualTo(1);
    assertThat(run.out()).isEmpty();
    List<String> errors = run.err().lines().toList();
    assertThat(errors).hasSize(1);
    String line = errors.get(0);
    assertThat(line).startsWith("error: windowed-counts failed: FileNotFoundException: ").contains(" (full log: ");
    Path log = Paths.get(line.substring(line.indexOf("(full log: ") + 11, line.length() - 1));
    assertThat(log).startsWith(userFolder().resolve("logs"));
    assertThat(Files.readString(log)).contains("ERROR", "windowed-counts failed", "\tat org.apache.flink.");
  }

  /** The per-user folder of a jar run whose java.io.tmpdir is this test's folder. */
  private Path userFolder() {
    return dir.resolve("tmp").resolve("streamsketch-" + System.getProperty("user.name"));
  }

  private CliRun jar(String... args) throws Exception {
    Path jar = Paths.get("target", "streamsketch-jobs.jar");
    assertThat(jar).as("the packaged jar (Failsafe runs after package)").exists();
    Path tmp = Files.createDirectories(dir.resolve("tmp"));
    List<String> command = new ArrayList<>();
    command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Djava.io.tmpdir=" + tmp);
    command.add("-jar");
    command.add(jar.toString());
    command.addAll(List.of(args));
    Path stdout = dir.resolve("stdout");
    Path stderr = dir.resolve("stderr");
    ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
    builder.environment().remove("LOG4J_CONFIGURATION_FILE");
    Process process = builder.start();
    if (!process.waitFor(5, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new AssertionError("java -jar " + String.join(" ", args) + " did not end");
    }
    return new CliRun(process.exitValue(), Files.readString(stdout), Files.readString(stderr));
  }
}
