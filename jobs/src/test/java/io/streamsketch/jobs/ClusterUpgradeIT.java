package io.streamsketch.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.streamsketch.jobs.testing.OutputFiles;
import io.streamsketch.testing.kafka.KafkaBrokerExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole lifecycle on a real standalone cluster, as a user runs it: {@code scripts/flink-cluster.sh} starts a
 * JobManager and a TaskManager (separate JVMs, from the build's jars and the repository's {@code config.yaml});
 * {@code windowed-counts} reads a Kafka topic (a broker in this JVM) and writes every output with the exactly-once
 * Kafka sink; it is stopped with a savepoint midway, resumed from it as a changed job ({@code --event-metrics} adds a
 * stateless operator, and the parallelism goes from 2 to 1), its TaskManager process is killed and another one
 * started (the exponential-delay restart strategy carries the job over), and it finishes with a drained
 * stop-with-savepoint. Its committed output ({@code read_committed}) must be that of one uninterrupted bounded run of
 * the same job on the same topic: every window's standing count, every late record and dead letter, none lost or
 * duplicated.
 *
 * <p>Both runs allow a day of lateness, more than the input spans, so no event is dropped as late and every window's
 * standing count is exact whatever the watermark did: which events fall behind the watermark depends on timing here.
 * Flink starts watermarks afresh after every restore, and a Kafka partition holds the watermark back only once the
 * source has emitted its first record ({@code SourceReaderBase} creates a split's watermark output lazily), so right
 * after a start or restore one partition's backlog can push the watermark past another's unread events; with the
 * default minute of lateness those are dropped in one run and counted in the other. The input's late events (1 to 2
 * hours late) then give late firings, and malformed records give the dead-letter output content to compare.
 *
 * <p>Each step's wall time goes to stderr and {@code target/cluster-e2e/timings.txt}.
 */
class ClusterUpgradeIT {
  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

  private static final String JOB = "windowed-counts";
  private static final List<String> RESULT_OUTPUTS = List.of("tumbling-counts", "sliding-counts");
  private static final List<String> RECORD_OUTPUTS = List.of("late-tumbling", "late-sliding", "dead-letters");
  private static final List<String> MALFORMED = List.of("not json at all", "{\"eventId\":\"x\"}", "{\"kind\":\"VIEW\"");
  private static final String GROUP = "cluster-e2e";
  private static final Duration STEP_TIMEOUT = Duration.ofMinutes(3);
  private static final Pattern JOB_ID = Pattern.compile("JobID ([0-9a-f]{32})");
  private static final Pattern SAVEPOINT = Pattern.compile("Savepoint completed\\. Path: (\\S+)");
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final Path MODULE = Path.of(System.getProperty("basedir", "")).toAbsolutePath();
  private static final Path REPO = MODULE.getParent();
  private static final Path WORK = MODULE.resolve("target/cluster-e2e");
  private static final List<String> TIMINGS = new ArrayList<>();

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static int restPort;
  private static int rpcPort;
  private static boolean clusterStarted;

  @BeforeAll
  static void prepare() throws IOException {
    assertThat(MODULE.resolve("target/streamsketch-jobs.jar"))
        .as("the job jar, built by the package phase (run this test with mvn verify)")
        .isRegularFile();
    assertThat(MODULE.resolve("target/lib")).as("Flink's jars, copied by the package phase").isDirectory();
    deleteRecursively(WORK);
    Files.createDirectories(WORK.resolve("conf"));
    // The repository's configuration (restart strategy, state backend, no generated uids), with checkpoints every 2 s
    // instead of 10 s, and a lost TaskManager noticed within seconds rather than the default 50 s heartbeat timeout.
    try (Stream<Path> files = Files.list(REPO.resolve("flink-conf"))) {
      for (Path file : files.toList()) {
        Files.copy(file, WORK.resolve("conf").resolve(file.getFileName()));
      }
    }
    Files.writeString(
        WORK.resolve("conf/config.yaml"),
        Files.readString(WORK.resolve("conf/config.yaml")).replace("execution.checkpointing.interval: 10 s", "")
            + "\n# ClusterUpgradeIT\nexecution.checkpointing.interval: 2 s\nheartbeat.interval: 2 s\n"
            + "heartbeat.timeout: 20 s\n");
    restPort = freePort();
    rpcPort = freePort();
  }

  @AfterAll
  static void stopCluster() throws IOException {
    if (clusterStarted) {
      try {
        script("stop");
      } catch (AssertionError | RuntimeException e) {
        System.err.println("[cluster-e2e] flink-cluster.sh stop failed (" + e.getMessage() + "): killing its processes");
      }
    }
    killLeftoverProcesses();
    Files.write(WORK.resolve("timings.txt"), TIMINGS);
  }

  @Test
  void aJobStoppedResumedChangedRescaledAndRecoveredEndsWithTheOutputOfOneUninterruptedRun() throws Exception {
    try {
      runLifecycle();
    } catch (Throwable failure) {
      printLogTails();
      throw failure;
    }
  }

  private void runLifecycle() throws Exception {
    long started = System.nanoTime();
    String topic = KAFKA.newTopic("clicks", 4);
    List<List<String>> parts = inputInThreeParts();

    step("start the cluster (flink-cluster.sh start)", () -> script("start"));
    clusterStarted = true;
    step("produce part 1 (" + parts.get(0).size() + " records)", () -> produce(topic, parts.get(0), 1));
    List<String> jobOptions = List.of(
        JOB, "--source", "kafka", "--bootstrap-servers", KAFKA.bootstrapServers(), "--topic", topic,
        "--group-id", GROUP, "--sink", "kafka", "--topic-prefix", "cluster.", "--transactional-id-prefix",
        "cluster-e2e", "--allowed-lateness", "1d");

    String first = step("submit at parallelism 2 (run -p 2)", () -> submit(List.of("-p", "2"), jobOptions));
    step("part 1 read and checkpointed", () -> awaitAllConsumed(topic));
    String savepoint = step("stop with a savepoint (stop-with-savepoint)", () -> {
      String printed = script("stop-with-savepoint", first);
      awaitJobState(first, "FINISHED");
      return match(SAVEPOINT, printed, "the savepoint path");
    });

    step("produce part 2 (" + parts.get(1).size() + " records)", () -> produce(topic, parts.get(1), 2));
    List<String> changed = new ArrayList<>(jobOptions);
    changed.add("--event-metrics");
    String second = step("resume changed, at parallelism 1 (run -s -p 1, --event-metrics)", () -> {
      String id = submit(List.of("-s", savepoint, "-p", "1"), changed);
      awaitCompletedCheckpoint(id);
      return id;
    });
    JsonNode plan = rest("/jobs/" + second);
    assertThat(plan.get("vertices").findValuesAsText("name"))
        .as("the resumed job's operators")
        .anySatisfy(name -> assertThat(name).contains("event-metrics"));
    assertThat(plan.get("vertices").findValues("parallelism")).allSatisfy(p -> assertThat(p.asInt()).isOne());

    step("kill -9 the TaskManager, add-taskmanager, tasks running again", () -> {
      long pid = Long.parseLong(Files.readString(WORK.resolve("taskmanager-1.pid")).trim());
      ProcessHandle taskManager = ProcessHandle.of(pid).orElseThrow(() -> new AssertionError("no TaskManager " + pid));
      taskManager.destroyForcibly();
      taskManager.onExit().get(30, TimeUnit.SECONDS);
      script("add-taskmanager");
      await("the job restarted after the TaskManager was lost", () -> failuresHandled(second) >= 1);
      awaitJobState(second, "RUNNING");
      return null;
    });
    step("produce part 3 (" + parts.get(2).size() + " records)", () -> produce(topic, parts.get(2), 3));
    step("all parts read and checkpointed", () -> awaitAllConsumed(topic));
    TIMINGS.add("failures the resumed job recovered from: " + failuresHandled(second));
    step("finish the stream (stop-with-savepoint --drain)", () -> {
      script("stop-with-savepoint", "--drain", second);
      awaitJobState(second, "FINISHED");
      return null;
    });
    step("stop the cluster (flink-cluster.sh stop)", () -> script("stop"));
    clusterStarted = false;
    TIMINGS.add(String.format(Locale.ROOT, "%-70s %6.1f s", "cluster lifecycle in total", seconds(started)));

    step("uninterrupted baseline: the same job, --bounded, java -jar style", () -> baseline(topic));
    step("read and compare the outputs (read_committed)", () -> {
      compareOutputs();
      return null;
    });
  }

  /** The generated events (a few of them hours late) in three consecutive parts, with malformed lines in two of them. */
  private static List<List<String>> inputInThreeParts() throws IOException {
    Path generated = WORK.resolve("input");
    cli("generate", "--output", generated.toString(), "--events", "12000", "--seed", "11", "--users", "400",
        "--pages", "30", "--late-fraction", "0.002");
    List<String> events = Files.readAllLines(generated.resolve("events.jsonl"));
    List<String> part1 = new ArrayList<>(events.subList(0, 5000));
    part1.addAll(2500, MALFORMED.subList(0, 2));
    List<String> part3 = new ArrayList<>(events.subList(9000, events.size()));
    part3.add(1000, MALFORMED.get(2));
    return List.of(part1, events.subList(5000, 9000), part3);
  }

  private static Void produce(String topic, List<String> lines, int part) throws IOException {
    Path file = WORK.resolve("input/part-" + part + ".jsonl");
    Files.write(file, lines);
    cli("produce", "--bootstrap-servers", KAFKA.bootstrapServers(), "--topic", topic, "--input", file.toString());
    return null;
  }

  private static String submit(List<String> flinkOptions, List<String> jobOptions) throws Exception {
    List<String> args = new ArrayList<>(List.of("run"));
    args.addAll(flinkOptions);
    args.addAll(jobOptions);
    String id = match(JOB_ID, script(args.toArray(String[]::new)), "the submitted job's id");
    awaitJobState(id, "RUNNING");
    return id;
  }

  private static Void baseline(String topic) throws Exception {
    String summary = cli(JOB, "--source", "kafka", "--bootstrap-servers", KAFKA.bootstrapServers(), "--topic", topic,
        "--bounded", "--group-id", "baseline", "--sink", "kafka", "--topic-prefix", "baseline.",
        "--transactional-id-prefix", "baseline", "--allowed-lateness", "1d", "--parallelism", "2", "--conf-dir",
        REPO.resolve("flink-conf").toString(), "--checkpoint-dir", WORK.resolve("baseline-checkpoints").toString());
    System.err.println(summary);
    return null;
  }

  private static void compareOutputs() throws Exception {
    // Kept under target/ for a look after a failure.
    Files.createDirectories(WORK.resolve("outputs"));
    for (String output : Stream.concat(RESULT_OUTPUTS.stream(), RECORD_OUTPUTS.stream()).toList()) {
      for (String run : List.of("cluster.", "baseline.")) {
        Files.write(WORK.resolve("outputs/" + run + output + ".jsonl"), KAFKA.readCommittedValues(run + output));
      }
    }
    assertNothingDeletedByTheBroker();
    for (String output : RESULT_OUTPUTS) {
      Map<String, TreeMap<Long, String>> cluster = versionsByKey("cluster." + output);
      Map<String, TreeMap<Long, String>> uninterrupted = versionsByKey("baseline." + output);
      assertThat(uninterrupted).as("windows of %s in the uninterrupted run", output).hasSizeGreaterThan(100);
      cluster.forEach((key, firings) -> assertThat(firings.keySet())
          .as("firings of %s %s on the cluster: each once, none missing", output, key)
          .containsExactlyElementsOf(Stream.iterate(0L, f -> f + 1).limit(firings.size()).toList()));
      assertThat(cluster.values()).as("windows of %s updated by late firings on the cluster", output)
          .anySatisfy(firings -> assertThat(firings).hasSizeGreaterThan(1));
      assertThat(differences(standingViews(cluster), standingViews(uninterrupted)))
          .as("windows of %s whose standing views differ (key: cluster run / uninterrupted run)", output)
          .isEmpty();
    }
    for (String output : RECORD_OUTPUTS) {
      List<ConsumerRecord<byte[], byte[]>> cluster = KAFKA.readCommitted("cluster." + output);
      List<String> clusterKeys = cluster.stream().map(r -> new String(r.key(), StandardCharsets.UTF_8)).toList();
      assertThat(clusterKeys).as("keys of %s on the cluster", output).doesNotHaveDuplicates();
      assertThat(values(cluster))
          .as("%s: cluster run against the uninterrupted run", output)
          .containsExactlyInAnyOrderElementsOf(values(KAFKA.readCommitted("baseline." + output)));
    }
    assertThat(KAFKA.readCommittedValues("cluster.dead-letters")).as("dead letters").hasSize(MALFORMED.size());
  }

  /** A record missing because the broker deleted it (retention) is not the job's loss: fail on that first. */
  private static void assertNothingDeletedByTheBroker() throws Exception {
    try (Admin admin = KAFKA.admin()) {
      Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
      for (String output : Stream.concat(RESULT_OUTPUTS.stream(), RECORD_OUTPUTS.stream()).toList()) {
        for (String run : List.of("cluster.", "baseline.")) {
          admin.describeTopics(List.of(run + output)).allTopicNames().get(30, TimeUnit.SECONDS).get(run + output)
              .partitions().forEach(p -> earliest.put(new TopicPartition(run + output, p.partition()), OffsetSpec.earliest()));
        }
      }
      admin.listOffsets(earliest).all().get(30, TimeUnit.SECONDS).forEach((partition, info) ->
          assertThat(info.offset()).as("first offset of %s (the broker deleted records before it)", partition).isZero());
    }
  }

  /** For each key of a result topic, its records by firing; a firing that appears twice fails. */
  private static Map<String, TreeMap<Long, String>> versionsByKey(String topic) {
    Map<String, TreeMap<Long, String>> byKey = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> record : KAFKA.readCommitted(topic)) {
      String key = new String(record.key(), StandardCharsets.UTF_8);
      String value = new String(record.value(), StandardCharsets.UTF_8);
      long firing = ((Number) OutputFiles.fields(value).get("firing")).longValue();
      String earlier = byKey.computeIfAbsent(key, k -> new TreeMap<>()).put(firing, value);
      assertThat(earlier).as("%s: firing %d of %s written twice", topic, firing, key).isNull();
    }
    return byKey;
  }

  /** The views of each key's highest firing: the result that stands. */
  private static Map<String, Object> standingViews(Map<String, TreeMap<Long, String>> versions) {
    Map<String, Object> views = new TreeMap<>();
    versions.forEach((key, firings) -> views.put(key, OutputFiles.fields(firings.lastEntry().getValue()).get("views")));
    return views;
  }

  private static List<String> differences(Map<String, Object> cluster, Map<String, Object> uninterrupted) {
    TreeMap<String, String> differences = new TreeMap<>();
    cluster.forEach((key, views) -> {
      if (!views.equals(uninterrupted.get(key))) {
        differences.put(key, views + " / " + uninterrupted.get(key));
      }
    });
    uninterrupted.forEach((key, views) -> {
      if (!cluster.containsKey(key)) {
        differences.put(key, "none / " + views);
      }
    });
    return differences.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue()).toList();
  }

  private static List<String> values(List<ConsumerRecord<byte[], byte[]>> records) {
    return records.stream().map(r -> new String(r.value(), StandardCharsets.UTF_8)).toList();
  }

  /** Waits until the job's consumer group has committed (on a checkpoint) the end offset of every partition. */
  private static Void awaitAllConsumed(String topic) throws Exception {
    try (Admin admin = KAFKA.admin()) {
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      for (int p = 0; p < 4; p++) {
        latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
      }
      Map<TopicPartition, Long> end = new HashMap<>();
      admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).forEach((tp, info) -> end.put(tp, info.offset()));
      await("group " + GROUP + " to commit the end offsets " + end, () -> {
        try {
          Map<TopicPartition, OffsetAndMetadata> committed =
              admin.listConsumerGroupOffsets(GROUP).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
          return end.entrySet().stream().allMatch(e -> committed.get(e.getKey()) != null
              && committed.get(e.getKey()).offset() == e.getValue());
        } catch (Exception e) {
          return false;
        }
      });
    }
    return null;
  }

  private static void awaitJobState(String jobId, String state) {
    await("job " + jobId + " to be " + state + (state.equals("RUNNING") ? " with all its tasks running" : ""), () -> {
      JsonNode job = restOrNull("/jobs/" + jobId);
      if (job == null) {
        return false;
      }
      String current = job.get("state").asText();
      if (current.equals("FAILED") || (current.equals("FINISHED") && !state.equals("FINISHED"))) {
        fail("job " + jobId + " is " + current + " while waiting for " + state + ": "
            + restOrNull("/jobs/" + jobId + "/exceptions"));
      }
      return current.equals(state)
          && (!state.equals("RUNNING") || job.get("vertices").findValuesAsText("status").stream()
              .allMatch("RUNNING"::equals));
    });
  }

  private static void awaitCompletedCheckpoint(String jobId) {
    await("a completed checkpoint of job " + jobId, () -> {
      JsonNode checkpoints = restOrNull("/jobs/" + jobId + "/checkpoints");
      return checkpoints != null && checkpoints.path("counts").path("completed").asInt() >= 1;
    });
  }

  /**
   * The failures in the job's exception history, each followed by a restart. (The numRestarts metric comes through
   * the metric fetcher, which was seen to return nothing for minutes after a restart.)
   */
  private static int failuresHandled(String jobId) {
    JsonNode exceptions = restOrNull("/jobs/" + jobId + "/exceptions");
    return exceptions == null ? 0 : exceptions.path("exceptionHistory").path("entries").size();
  }

  private static JsonNode rest(String path) {
    JsonNode node = restOrNull(path);
    assertThat(node).as("GET %s", path).isNotNull();
    return node;
  }

  private static JsonNode restOrNull(String path) {
    try {
      HttpResponse<String> response = HTTP.send(
          HttpRequest.newBuilder(URI.create("http://localhost:" + restPort + path)).timeout(Duration.ofSeconds(10))
              .build(),
          HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200 ? JSON.readTree(response.body()) : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Polls {@code condition} until it holds; fails naming {@code what} after {@link #STEP_TIMEOUT}. */
  private static void await(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + STEP_TIMEOUT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("timed out after " + STEP_TIMEOUT.toSeconds() + " s waiting for " + what);
      }
      try {
        TimeUnit.MILLISECONDS.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  /** Runs {@code scripts/flink-cluster.sh} against this test's cluster; returns its output, fails on a non-zero exit. */
  private static String script(String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of("bash", REPO.resolve("scripts/flink-cluster.sh").toString(),
        "--conf-dir", WORK.resolve("conf").toString(), "--rest-port", Integer.toString(restPort),
        "--rpc-port", Integer.toString(rpcPort), "--work-dir", WORK.toString()));
    command.addAll(List.of(args));
    Path output = Files.createTempFile(WORK, "script-", ".out");
    Process process = new ProcessBuilder(command).directory(REPO.toFile()).redirectErrorStream(true)
        .redirectOutput(output.toFile()).start();
    try {
      if (!process.waitFor(STEP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        fail("flink-cluster.sh " + String.join(" ", args) + " did not end within " + STEP_TIMEOUT.toSeconds()
            + " s: " + Files.readString(output));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    String printed = Files.readString(output);
    assertThat(process.exitValue()).as("flink-cluster.sh %s exit status; it printed:%n%s", String.join(" ", args),
        printed).isZero();
    return printed;
  }

  /** The CLI in this JVM, as {@code java -jar} runs it; returns its stdout, fails on a non-zero exit. */
  private static String cli(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = StreamSketchCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    String printed = out.toString(StandardCharsets.UTF_8);
    assertThat(status).as("%s: %s%s", args[0], printed, err.toString(StandardCharsets.UTF_8)).isZero();
    return printed;
  }

  @FunctionalInterface
  private interface Step<T> {
    T run() throws Exception;
  }

  private static <T> T step(String name, Step<T> step) throws Exception {
    long started = System.nanoTime();
    T result = step.run();
    String line = String.format(Locale.ROOT, "%-70s %6.1f s", name, seconds(started));
    TIMINGS.add(line);
    System.err.println("[cluster-e2e] " + line);
    return result;
  }

  private static double seconds(long startedNanos) {
    return (System.nanoTime() - startedNanos) / 1e9;
  }

  private static String match(Pattern pattern, String text, String what) {
    Matcher matcher = pattern.matcher(text);
    if (!matcher.find()) {
      fail("no " + what + " in:\n" + text);
    }
    return matcher.group(1);
  }

  /** Any process whose pid file is in the work folder and whose command line names it: the script's, left running. */
  private static void killLeftoverProcesses() throws IOException {
    if (!Files.isDirectory(WORK)) {
      return;
    }
    try (Stream<Path> files = Files.list(WORK)) {
      for (Path pidFile : files.filter(f -> f.getFileName().toString().endsWith(".pid")).toList()) {
        ProcessHandle.of(Long.parseLong(Files.readString(pidFile).trim()))
            .filter(p -> p.info().commandLine().orElse("").contains("-Dstreamsketch.cluster.dir=" + WORK))
            .ifPresent(p -> {
              System.err.println("[cluster-e2e] killing leftover " + pidFile.getFileName() + " (pid " + p.pid() + ")");
              p.destroyForcibly();
            });
      }
    }
  }

  private static void printLogTails() throws IOException {
    Path logs = WORK.resolve("log");
    if (!Files.isDirectory(logs)) {
      return;
    }
    try (Stream<Path> files = Files.list(logs)) {
      for (Path log : files.filter(f -> f.toString().endsWith(".log") || f.toString().endsWith(".out")).sorted()
          .toList()) {
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        System.err.println("----- last lines of " + log + " -----");
        lines.subList(Math.max(0, lines.size() - 40), lines.size()).forEach(System.err::println);
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }
}
