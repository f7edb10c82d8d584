package io.streamsketch.jobs.savepoints;

import static io.streamsketch.jobs.savepoints.SavepointCompatibilityIT.BACKENDS;
import static io.streamsketch.jobs.savepoints.SavepointCompatibilityIT.EVENTS;
import static io.streamsketch.jobs.savepoints.SavepointCompatibilityIT.JOBS;
import static io.streamsketch.jobs.savepoints.SavepointCompatibilityIT.OUTPUT_ROOT;
import static io.streamsketch.jobs.savepoints.SavepointCompatibilityIT.RATE;
import static io.streamsketch.jobs.savepoints.SavepointCompatibilityIT.generatorOptions;

import io.streamsketch.jobs.testing.OutputFiles;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.client.program.ClusterClient;
import org.apache.flink.client.program.rest.RestClusterClient;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.client.JobStatusMessage;

/**
 * Writes one release's savepoint fixtures (see {@link SavepointCompatibilityIT}) with the current code. The runs are
 * {@code java -jar} runs (an embedded cluster): checkpointing must be on for a savepoint, and the web UI's REST port
 * lets the writer stop each job with a savepoint. Run by {@code scripts/regenerate-savepoint-fixtures.sh RELEASE}
 * when a release ships; never for an older release's folder.
 */
public final class SavepointFixtureWriter {

  private SavepointFixtureWriter() {}

  /** {@code args}: the release, e.g. {@code 0.2.0}; run in the jobs module's folder. */
  public static void main(String[] args) throws Exception {
    if (args.length != 1 || args[0].isBlank()) {
      System.err.println("usage: SavepointFixtureWriter RELEASE");
      System.exit(2);
    }
    String release = args[0];
    Path temp = Files.createTempDirectory("savepoint-fixtures-");
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Path conf = configuration(temp, port);
    Configuration client = new Configuration();
    client.set(RestOptions.ADDRESS, "localhost");
    client.set(RestOptions.PORT, port);
    try (RestClusterClient<String> cluster = new RestClusterClient<>(client, "streamsketch")) {
      for (Map.Entry<String, List<String>> job : JOBS.entrySet()) {
        for (String backend : BACKENDS) {
          String fixture = job.getKey() + "-" + backend;
          List<String> runArgs = jobArgs(job.getValue(), backend);
          writeFixture(cluster, temp, release, fixture, runArgs, conf);
          System.out.println("written: " + fixture);
        }
      }
    } finally {
      SavepointCompatibilityIT.deleteRecursively(temp);
    }
    // The embedded clusters' threads would keep the JVM alive.
    System.exit(0);
  }

  /**
   * Checkpointing on (a savepoint needs it) but rare: the only snapshot of a fixture run is its savepoint. Frequent
   * heartbeats, which carry the accumulators, so the test sees the job's progress while it runs.
   */
  private static Path configuration(Path temp, int restPort) throws IOException {
    Path conf = Files.createDirectories(temp.resolve("conf"));
    Files.writeString(
        conf.resolve("config.yaml"),
        String.join(
            "\n",
            "execution.checkpointing.interval: 1 h",
            "heartbeat.interval: 200 ms",
            "heartbeat.timeout: 30 s",
            "execution.checkpointing.dir: " + temp.resolve("checkpoints").toUri(),
            "taskmanager.numberOfTaskSlots: 2",
            "pipeline.generic-types: false",
            "rest.address: localhost",
            "rest.bind-address: localhost",
            "rest.port: " + restPort,
            ""));
    return conf;
  }

  private static List<String> jobArgs(List<String> job, String backend) {
    List<String> args = new ArrayList<>(job);
    args.addAll(generatorOptions());
    args.addAll(List.of("--state-backend", backend));
    return args;
  }

  private static void writeFixture(
      ClusterClient<?> client, Path temp, String release, String fixture, List<String> args, Path conf)
      throws Exception {
    Path output = Paths.get(OUTPUT_ROOT, release, fixture);
    SavepointCompatibilityIT.deleteRecursively(output);
    List<String> run = new ArrayList<>(args);
    run.addAll(
        List.of("--output", output.toString(), "--rate", Integer.toString(RATE), "--conf-dir", conf.toString(),
            "--web-ui"));
    CompletableFuture<String> summary = CompletableFuture.supplyAsync(() -> SavepointCompatibilityIT.cli(run, 0));
    JobID job = awaitRunning(client);
    awaitEvents(client, job, EVENTS / 3);
    String savepoint =
        client.stopWithSavepoint(job, false, temp.resolve(fixture).toUri().toString(), SavepointFormatType.CANONICAL)
            .get();
    summary.get();
    Path target = SavepointCompatibilityIT.FIXTURES.resolve(release).resolve(fixture);
    SavepointCompatibilityIT.deleteRecursively(target);
    SavepointCompatibilityIT.copyRecursively(Paths.get(java.net.URI.create(savepoint)), target.resolve("savepoint"));
    for (Path folder : SavepointCompatibilityIT.subfolders(output)) {
      List<String> lines = OutputFiles.lines(folder);
      Files.createDirectories(target.resolve("output").resolve(folder.getFileName()));
      Files.write(target.resolve("output").resolve(folder.getFileName()).resolve("part-fixture-0.jsonl"), lines);
    }
    Files.write(target.resolve("args.txt"), args);
  }

  private static JobID awaitRunning(ClusterClient<?> client) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (System.nanoTime() < deadline) {
      for (JobStatusMessage job : listJobs(client)) {
        if (job.getJobState() == JobStatus.RUNNING) {
          return job.getJobId();
        }
      }
      pause();
    }
    throw new AssertionError("no job running within 2 minutes");
  }

  /** The jobs, or none while the embedded cluster's REST endpoint is not up yet. */
  private static Collection<JobStatusMessage> listJobs(ClusterClient<?> client) {
    try {
      return client.listJobs().get();
    } catch (Exception e) {
      return List.of();
    }
  }

  private static void awaitEvents(ClusterClient<?> client, JobID job, long events) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (System.nanoTime() < deadline) {
      Object seen = client.getAccumulators(job).get().get("events");
      if (seen instanceof Long count && count >= events) {
        return;
      }
      pause();
    }
    throw new AssertionError("the job did not read " + events + " events within 2 minutes");
  }

  /** Between two polls of a condition with a deadline. */
  private static void pause() {
    LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
  }
}
