package io.streamsketch.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsketch.jobs.generate.GenerateCommand;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class StreamSketchCliTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) throws Exception {
    return StreamSketchCli.run(
        args,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String stdout() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String stderr() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void helpListsTheCommands() throws Exception {
    assertThat(run("--help")).isZero();
    assertThat(stdout())
        .contains(
            "generate", "windowed-counts", "sessions", "enrich", "ctr", "unique-visitors", "top-pages",
            "first-exposure", "sample", "delay-quantiles", "page-skew", "session-segments");
  }

  @Test
  void noArgumentsPrintsUsageAndFails() throws Exception {
    assertThat(run()).isEqualTo(2);
    assertThat(stdout()).contains("usage:");
  }

  @Test
  void commandHelpListsItsOptionsWithDefaults() throws Exception {
    assertThat(run("windowed-counts", "--help")).isZero();
    assertThat(stdout()).contains("--tumbling-window <duration>", "(default: 1m)", "--state-backend", "--input");
  }

  @Test
  void unknownCommandFails() throws Exception {
    assertThat(run("count-everything")).isEqualTo(2);
    assertThat(stderr()).contains("unknown command 'count-everything'");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "--bogus|unknown option --bogus",
        "--events|--events needs a value",
        "--events=ten|--events must be an integer, not 'ten'",
        "--events=-5|--events must be at least 0",
        "--late-fraction=1.5|--late-fraction must be in [0.0, 1.0)",
        "--tumbling-window=0s|--tumbling-window must be positive",
        "--slide=fortnight|--slide must be a duration",
        "--state-backend=memory|--state-backend must be one of hashmap, rocksdb",
        "--parallelism=0|--parallelism must be in [1, 1024]",
        "--slide=20m|must not be longer than the sliding window",
        "stray|unexpected argument 'stray'",
      })
  void wrongOptionsFailWithAClearMessage(String arg, String message) throws Exception {
    assertThat(run("windowed-counts", arg)).isEqualTo(2);
    assertThat(stderr()).contains(message);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "--gap=0s|--gap must be positive",
        "--gap=9223372036854775807ms|--gap must be at most 3650d",
        "--max-length=3651d|--max-length must be at most 3650d",
        "--allowed-lateness=-1m|--allowed-lateness must",
        "--implementation=merging|--implementation must be one of sessionizer, windows",
      })
  void wrongSessionsOptionsFailWithAClearMessage(String arg, String message) throws Exception {
    assertThat(run("sessions", arg)).isEqualTo(2);
    assertThat(stderr()).contains(message);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "--fpp=1.5|the false-positive rate must be in (0, 1)",
        "--fpp=0|the false-positive rate must be in (0, 1)",
        "--fpp=often|--fpp must be a number, not 'often'",
        "--capacity=0|--capacity must be at least 1",
        "--cache-ads=0|--cache-ads must be in [1, ",
        "--capacity=50000000|first-exposure: the Bloom filters may need ",
      })
  void wrongFirstExposureOptionsFailWithAClearMessage(String arg, String message) throws Exception {
    assertThat(run("first-exposure", arg)).isEqualTo(2);
    assertThat(stderr()).contains(message);
  }

  @ParameterizedTest
  @ValueSource(strings = {"first-exposure", "unique-visitors", "top-pages", "sample"})
  void exactAndVerifyExcludeEachOther(String job) throws Exception {
    assertThat(run(job, "--exact", "--verify")).isEqualTo(2);
    assertThat(stderr()).contains("--exact and --verify exclude each other");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "unique-visitors|--precision=3|--precision must be in [4, 18]",
        "unique-visitors|--max-partials=0|--max-partials must be in [1, ",
        "top-pages|--top=5|--top must exceed 1 / (heavy-fraction - epsilon)",
        "top-pages|--heavy-fraction=0.0005|--heavy-fraction must be in (epsilon, 1)",
        "top-pages|--epsilon=2|--epsilon must be in [0.0, 1.0)",
        "sample|--k=0|--k must be in [1, 1000000]",
        "sample|--window=0s|--window must be positive",
        "delay-quantiles|--k=7|--k must be in [8, 65535]",
        "delay-quantiles|--allowed-lateness=-1s|--allowed-lateness",
        "page-skew|--epsilon=1|page-skew: epsilon must be in (0, 1): 1.0",
        "page-skew|--delta=0|page-skew: delta must be in (0, 1): 0.0",
        "page-skew|--epsilon=0.001|counters per group, more than the maximum",
      })
  void wrongSketchJobOptionsFailWithAClearMessage(String job, String arg, String message) throws Exception {
    assertThat(run(job, arg)).isEqualTo(2);
    assertThat(stderr()).contains(message);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "unique-visitors|--slide=2m|--slide (PT2M) must not be longer than --window (PT1M)",
        "top-pages|--slide=0s|--slide must be positive",
        "unique-visitors|--slide=30s --exact|--slide works with the sketches only, not with --exact or --verify",
        "top-pages|--slide=30s --verify|--slide works with the sketches only, not with --exact or --verify",
      })
  void wrongSlidesFailInOneLine(String job, String args, String message) throws Exception {
    assertThat(run((job + " " + args).split(" "))).isEqualTo(2);
    assertThat(stderr()).contains(message);
    assertThat(stderr().strip().lines()).hasSize(1);
  }

  @Test
  void generateWritesTheSameBytesForTheSameSeed(@TempDir Path dir) throws Exception {
    String[] args = {"--events", "2000", "--seed", "3", "--malformed-fraction", "0.01"};
    assertThat(run(concat("generate", "--output", dir.resolve("a").toString(), args))).isZero();
    assertThat(run(concat("generate", "--output", dir.resolve("b").toString(), args))).isZero();
    for (String file : new String[] {GenerateCommand.EVENTS_FILE, GenerateCommand.PAGES_FILE}) {
      assertThat(Files.readAllBytes(dir.resolve("a").resolve(file)))
          .isEqualTo(Files.readAllBytes(dir.resolve("b").resolve(file)));
    }
    assertThat(stdout()).contains("wrote 2,000 events");
  }

  @Test
  void generateRefusesToReplaceAUsersFilesWithoutOverwrite(@TempDir Path dir) throws Exception {
    Path events = Files.writeString(dir.resolve(GenerateCommand.EVENTS_FILE), "my own events\n");
    Path pages = Files.writeString(dir.resolve(GenerateCommand.PAGES_FILE), "my own pages\n");
    assertThat(run("generate", "--output", dir.toString(), "--events", "100")).isEqualTo(2);
    assertThat(stderr().lines())
        .containsExactly(
            "error: generate: " + dir + " already has events.jsonl and pages.csv; --overwrite replaces them");
    assertThat(Files.readString(events)).isEqualTo("my own events\n");
    assertThat(Files.readString(pages)).isEqualTo("my own pages\n");

    Files.delete(events);
    assertThat(run("generate", "--output", dir.toString(), "--events", "100")).isEqualTo(2);
    assertThat(Files.exists(events)).isFalse();
    assertThat(Files.readString(pages)).isEqualTo("my own pages\n");
  }

  @Test
  void generateOverwritesWhenAskedLeavingNoTemporaryFile(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve(GenerateCommand.EVENTS_FILE), "my own events\n");
    assertThat(run("generate", "--output", dir.toString(), "--events", "100", "--overwrite")).isZero();
    assertThat(Files.readAllLines(dir.resolve(GenerateCommand.EVENTS_FILE))).hasSize(100);
    assertThat(Files.readAllLines(dir.resolve(GenerateCommand.PAGES_FILE)).get(0)).isEqualTo("pageId,category,title");
    try (var files = Files.list(dir)) {
      assertThat(files.map(file -> file.getFileName().toString()))
          .containsExactlyInAnyOrder(GenerateCommand.EVENTS_FILE, GenerateCommand.PAGES_FILE);
    }
  }

  @Test
  void aMissingInputIsOneLineBeforeTheJobStarts(@TempDir Path dir) throws Exception {
    Path missing = dir.resolve("no-such-events.jsonl");
    assertThat(run("windowed-counts", "--input", missing.toString())).isEqualTo(2);
    assertThat(stderr().lines())
        .containsExactly("error: windowed-counts: --input " + missing + ": no such file or folder");
  }

  @ParameterizedTest
  @ValueSource(strings = {"output", "checkpoint-dir"})
  void anUnusableFolderIsOneLineBeforeTheJobStarts(String option, @TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("a-file"), "not a folder");
    assertThat(run("sessions", "--" + option, file.toString())).isEqualTo(2);
    assertThat(run("sessions", "--" + option, file.resolve("under").toString())).isEqualTo(2);
    // A folder nobody may write, root included: creating anything in /sys fails.
    assertThat(run("sessions", "--" + option, "/sys/streamsketch")).isEqualTo(2);
    List<String> lines = stderr().lines().toList();
    assertThat(lines).hasSize(3);
    assertThat(lines.get(0)).isEqualTo("error: sessions: --" + option + " " + file + ": is a file, not a folder");
    assertThat(lines.get(1))
        .isEqualTo(
            "error: sessions: --" + option + " " + file.resolve("under") + ": " + file + " is a file, not a folder");
    // "Operation not permitted" for root, "permission denied" for anyone else.
    assertThat(lines.get(2)).startsWith("error: sessions: --" + option + " /sys/streamsketch: cannot write there (");
  }

  @Test
  void generateNeedsAnOutputFolder() throws Exception {
    assertThat(run("generate")).isEqualTo(2);
    assertThat(stderr()).contains("--output is required");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "--join=outer|--join must be one of inner, left",
        "--dimension=huge|--dimension must be one of small, large",
        "--refresh-interval=10s|a refresh interval needs the large dimension",
        "--max-waiting-per-page=-1|--max-waiting-per-page must be in [0, ",
      })
  void wrongEnrichOptionsFailWithAClearMessage(String arg, String message) throws Exception {
    assertThat(run("enrich", arg)).isEqualTo(2);
    assertThat(stderr()).contains(message);
  }

  @Test
  void refreshNeedsAFolderToWatch() throws Exception {
    assertThat(run("enrich", "--dimension", "large", "--refresh-interval", "10s")).isEqualTo(2);
    assertThat(stderr()).contains("--refresh-interval needs --pages-file");
  }

  @Test
  void aMalformedSmallDimensionFailsBeforeTheJobStartsNamingTheLine(@TempDir Path dir) throws Exception {
    Path pages = dir.resolve("pages.csv");
    Files.writeString(pages, "pageId,category,title\np1,news,Fine\np2\n");
    assertThat(run("enrich", "--pages-file", pages.toString())).isEqualTo(2);
    assertThat(stderr()).contains("pages.csv:3: expected 3 fields");
  }

  @Test
  void ctrHelpListsItsOptions() throws Exception {
    assertThat(run("ctr", "--help")).isZero();
    assertThat(stdout()).contains("--window <duration>", "(default: 1h)", "--click-within");
  }

  private static String[] concat(String a, String b, String c, String[] rest) {
    String[] all = new String[rest.length + 3];
    all[0] = a;
    all[1] = b;
    all[2] = c;
    System.arraycopy(rest, 0, all, 3, rest.length);
    return all;
  }
}
