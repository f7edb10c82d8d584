package io.streamsketch.jobs.savepoints;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsketch.jobs.StreamSketchCli;
import io.streamsketch.jobs.testing.OutputFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Savepoint compatibility, as Flink's migration tests do it: every stateful job's savepoint, taken midway by a
 * release on both state backends, is committed under {@code src/test/resources/savepoints/<release>/<job>-<backend>/}
 * with the results the job had committed by then; the current code restores it, finishes the input, and the results
 * (old and new together) must equal those of one uninterrupted run, line for line (for {@code sample}: all but which
 * events a sample holds, see {@link #withoutSampledEvents}).
 *
 * <p>A file sink's restored state keeps the path it wrote to, and the jobs refuse a restore into another {@code
 * --output} ({@code OptionsGuard}), so a fixture's results live at a fixed path, {@value #OUTPUT_ROOT}/<release>/
 * <fixture>: the test copies the committed results there and restores into it.
 *
 * <p>A release's fixtures are written by {@link SavepointFixtureWriter}, through {@code
 * scripts/regenerate-savepoint-fixtures.sh RELEASE}; see the README in the fixtures folder.
 */
class SavepointCompatibilityIT {
  static final Path FIXTURES = Paths.get("src/test/resources/savepoints");
  static final String OUTPUT_ROOT = "/tmp/streamsketch-savepoint-fixtures";
  static final List<String> BACKENDS = List.of("hashmap", "rocksdb");
  /** Events per fixture run: a few windows, sessions and ads; small enough that a fixture is about 200 KB. */
  static final int EVENTS = 3_000;
  /** The generation run's rate: about 6 s per run, so that the savepoint falls midway. */
  static final int RATE = 500;

  /**
   * The stateful jobs and their options; sketch sizes are small to keep the fixtures small. No event is late (the generator's disorder of 1 s is below every job's
   * out-of-orderness), since whether an event is behind the periodic watermark depends on timing.
   */
  static final Map<String, List<String>> JOBS = new TreeMap<>(Map.of(
      "windowed-counts", List.of("windowed-counts", "--tumbling-window", "10s", "--sliding-window", "30s", "--slide", "10s"),
      "sessions", List.of("sessions", "--gap", "20s"),
      "enrich-large", List.of("enrich", "--dimension", "large"),
      "ctr", List.of("ctr", "--window", "1m"),
      "first-exposure", List.of("first-exposure", "--capacity", "1000"),
      "unique-visitors", List.of("unique-visitors", "--window", "10s"),
      "top-pages", List.of("top-pages", "--window", "10s", "--epsilon", "0.01"),
      "sample", List.of("sample", "--window", "10s")));

  static List<String> generatorOptions() {
    return List.of(
        "--events", Integer.toString(EVENTS), "--seed", "7", "--users", "300", "--pages", "40",
        "--max-delay", "1s", "--late-fraction", "0", "--parallelism", "1");
  }

  @TempDir Path temp;

  /** Serialises runs of this test on one machine (several checkouts, one fixed output path). */
  private static FileChannel lockFile;

  private static FileLock outputLock;

  @BeforeAll
  static void lockTheFixedOutputPath() throws IOException {
    lockFile =
        FileChannel.open(Paths.get(OUTPUT_ROOT + ".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    outputLock = lockFile.lock();
  }

  @AfterAll
  static void unlock() throws IOException {
    outputLock.release();
    lockFile.close();
  }

  @TestFactory
  Stream<DynamicTest> everyCommittedSavepointRestoresToTheResultsOfAnUninterruptedRun() throws IOException {
    List<Path> fixtures = new ArrayList<>();
    for (Path release : subfolders(FIXTURES)) {
      fixtures.addAll(subfolders(release));
    }
    assertThat(fixtures).as("fixtures under %s", FIXTURES).isNotEmpty();
    return fixtures.stream()
        .map(fixture -> DynamicTest.dynamicTest(
            fixture.getParent().getFileName() + "/" + fixture.getFileName(), () -> restores(fixture)));
  }

  private void restores(Path fixture) throws IOException {
    List<String> args = Files.readAllLines(fixture.resolve("args.txt"));
    Path output = Paths.get(OUTPUT_ROOT, fixture.getParent().getFileName().toString(), fixture.getFileName().toString());
    deleteRecursively(output);
    copyRecursively(fixture.resolve("output"), output);
    List<String> restored = new ArrayList<>(args);
    restored.addAll(List.of("--output", output.toString(), "--from-savepoint", fixture.resolve("savepoint").toString()));
    cli(restored, 0);
    Path uninterrupted = temp.resolve("uninterrupted-" + fixture.getParent().getFileName() + "-" + fixture.getFileName());
    List<String> once = new ArrayList<>(args);
    once.addAll(List.of("--output", uninterrupted.toString()));
    cli(once, 0);
    assertThat(results(output)).isEqualTo(results(uninterrupted)).isNotEmpty();
    try (Stream<Path> files = Files.walk(output)) {
      assertThat(files.filter(f -> f.getFileName().toString().contains(".inprogress")).toList())
          .as("in-progress files left in %s", output)
          .isEmpty();
    }
  }

  /**
   * Per output, its lines sorted: the comparison ignores only the files they were written to, and which events a
   * sample holds (below).
   */
  private static Map<String, List<String>> results(Path output) throws IOException {
    Map<String, List<String>> results = new TreeMap<>();
    for (Path folder : subfolders(output)) {
      List<String> lines = new ArrayList<>();
      for (String line : OutputFiles.lines(folder)) {
        lines.add(folder.getFileName().toString().equals("samples") ? withoutSampledEvents(line) : line);
      }
      lines.sort(null);
      results.put(folder.getFileName().toString(), lines);
    }
    return results;
  }

  /**
   * A window sample's fields but its events, after checking them. A restored reservoir continues with an unseeded
   * generator (see {@code SkipReservoirSerializer}), so a restored run draws a different, equally uniform sample:
   * the window's count and k must match, and the sample must be min(k, itemsSeen) distinct events of the window.
   */
  private static String withoutSampledEvents(String line) {
    Map<String, Object> fields = new TreeMap<>(OutputFiles.fields(line));
    List<Map<String, Object>> events = OutputFiles.objectsIn(line, "events");
    long start = (Long) fields.get("windowStart");
    long end = (Long) fields.get("windowEnd");
    assertThat(events).as(line).hasSize((int) Math.min((Long) fields.get("k"), (Long) fields.get("itemsSeen")));
    assertThat(events.stream().map(event -> event.get("eventId")).distinct()).as(line).hasSameSizeAs(events);
    assertThat(events).as(line).allMatch(event -> (Long) event.get("eventTime") >= start && (Long) event.get("eventTime") < end);
    return fields.toString();
  }

  static String cli(List<String> args, int expectedStatus) {
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    try {
      int status =
          StreamSketchCli.run(
              args.toArray(String[]::new),
              new PrintStream(stdout, true, StandardCharsets.UTF_8),
              new PrintStream(stderr, true, StandardCharsets.UTF_8));
      String all = stdout.toString(StandardCharsets.UTF_8) + stderr.toString(StandardCharsets.UTF_8);
      assertThat(status).as("%s%n%s", args, all).isEqualTo(expectedStatus);
      return all;
    } catch (Exception e) {
      throw new AssertionError("run failed: " + args, e);
    }
  }

  static List<Path> subfolders(Path folder) throws IOException {
    if (!Files.isDirectory(folder)) {
      return List.of();
    }
    try (Stream<Path> entries = Files.list(folder)) {
      return entries.filter(Files::isDirectory).sorted().toList();
    }
  }

  static void copyRecursively(Path from, Path to) throws IOException {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path path : paths.toList()) {
        Path target = to.resolve(from.relativize(path).toString());
        if (Files.isDirectory(path)) {
          Files.createDirectories(target);
        } else {
          Files.copy(path, target);
        }
      }
    }
  }

  static void deleteRecursively(Path path) throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(path)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
