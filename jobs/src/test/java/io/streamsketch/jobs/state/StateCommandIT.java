package io.streamsketch.jobs.state;

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
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code state inspect} on the committed savepoints of release 0.1.0, and {@code state bootstrap}: first-exposure
 * started from a savepoint written from a history of impressions answers seenBefore = true for the users of the
 * history and false for new ones.
 */
class StateCommandIT {
  private static final Path FIXTURES = Paths.get("src/test/resources/savepoints/0.1.0");

  @TempDir Path temp;

  @Test
  void inspectPrintsEachJobsStatePerKey() throws Exception {
    List<String> visitors = inspect("unique-visitors", "unique-visitors-rocksdb");
    assertThat(visitors).anyMatch(line -> line.startsWith("{\"pageId\":\"") && line.contains("\"estimate\":"));
    // The fixture's run had --events 3000, not the defaults: its splits are read without checking the options.
    assertThat(visitors.stream().filter(line -> line.startsWith("{\"source\":\"clickstream-generator\"")))
        .isNotEmpty()
        .allMatch(line -> line.contains("\"partitions\":16,") && line.contains("\"events\":3000,"));
    assertThat(inspect("top-pages", "top-pages-hashmap"))
        .anyMatch(line -> line.contains("\"totalViews\":") && line.contains("\"top\":[{\"pageId\":"));
    assertThat(inspect("sessions", "sessions-hashmap")).anyMatch(line -> line.startsWith("{\"userId\":\""));
    assertThat(inspect("first-exposure", "first-exposure-rocksdb"))
        .anyMatch(line -> line.startsWith("{\"adId\":\"") && line.contains("\"falsePositiveRate\":"));
  }

  private List<String> inspect(String job, String fixture) throws Exception {
    Result result =
        cli("state", "inspect", "--job", job, "--savepoint", FIXTURES.resolve(fixture).resolve("savepoint").toString());
    assertThat(result.status).as(result.stderr).isZero();
    List<String> lines = result.stdout.lines().toList();
    assertThat(lines).isNotEmpty().isSorted();
    return lines;
  }

  @Test
  void aPathThatIsNotASavepointIsOneLine() throws Exception {
    Result result = cli("state", "inspect", "--job", "sessions", "--savepoint", temp.toString());
    assertThat(result.status).isEqualTo(2);
    assertThat(result.stderr.strip())
        .isEqualTo("error: --savepoint " + temp + " is not a savepoint or retained checkpoint: it has no _metadata file");
  }

  @Test
  void firstExposureStartsFromABootstrappedHistory() throws Exception {
    List<String> history = new ArrayList<>();
    List<String> input = new ArrayList<>();
    long time = 1_767_225_600_000L;
    for (int user = 0; user < 200; user++) {
      history.add(impression(user, "u" + user, "ad-" + user % 3, time + user));
    }
    history.add(new ClickEvent(1_000, "u1", "p1", EventKind.VIEW, null, time).toJson());
    // Now the same users see the same ads again, and 100 new users see them for the first time.
    for (int user = 0; user < 300; user++) {
      input.add(impression(10_000 + user, "u" + user, "ad-" + user % 3, time + 60_000 + user));
    }
    Path historyFile = Files.write(temp.resolve("history.jsonl"), history);
    Path inputFile = Files.write(temp.resolve("input.jsonl"), input);
    Path savepoint = temp.resolve("bootstrapped");

    Result bootstrap =
        cli("state", "bootstrap", "--job", "first-exposure", "--history", historyFile.toString(), "--savepoint",
            savepoint.toString());
    assertThat(bootstrap.status).as(bootstrap.stderr).isZero();
    assertThat(bootstrap.stdout).contains("200 ad impressions of 3 ads");
    assertThat(cli("state", "inspect", "--job", "first-exposure", "--savepoint", savepoint.toString()).stdout)
        .contains("{\"adId\":\"ad-0\",\"usersInCurrentGeneration\":67,");

    Path output = temp.resolve("out");
    Result run =
        cli("first-exposure", "--input", inputFile.toString(), "--from-savepoint", savepoint.toString(), "--output",
            output.toString(), "--parallelism", "2");
    assertThat(run.status).as(run.stderr).isZero();
    List<String> answers = OutputFiles.lines(output.resolve("ad-exposures"));
    assertThat(answers).hasSize(300);
    for (String answer : answers) {
      Map<String, Object> fields = OutputFiles.fields(answer);
      int user = Integer.parseInt(((String) fields.get("userId")).substring(1));
      if (user < 200) {
        assertThat(fields.get("seenBefore")).as(answer).isEqualTo(true);
      }
    }
    // New users can be false positives (the filters' rate is about 0.01 each): far fewer than half are.
    assertThat(answers.stream().filter(a -> a.contains("\"userId\":\"u2") && a.contains("\"seenBefore\":false")))
        .hasSizeGreaterThan(50);

    Result again =
        cli("state", "bootstrap", "--history", historyFile.toString(), "--savepoint", savepoint.toString());
    assertThat(again.status).isEqualTo(2);
    assertThat(again.stderr).contains("already exists and is not an empty folder");
  }

  private static String impression(long id, String user, String ad, long time) {
    return new ClickEvent(id, user, "p1", EventKind.AD_IMPRESSION, ad, time).toJson();
  }

  private record Result(int status, String stdout, String stderr) {}

  private static Result cli(String... args) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        StreamSketchCli.run(
            args,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }
}
