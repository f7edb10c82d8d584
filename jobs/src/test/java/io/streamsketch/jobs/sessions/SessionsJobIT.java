package io.streamsketch.jobs.sessions;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsketch.flink.io.ClickEventParser;
import io.streamsketch.flink.io.MalformedEventException;
import io.streamsketch.generator.ClickstreamText;
import io.streamsketch.generator.GeneratorConfig;
import io.streamsketch.jobs.StreamSketchCli;
import io.streamsketch.jobs.testing.OutputFiles;
import io.streamsketch.model.ClickEvent;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@code sessions} through the CLI at parallelism 2: against Flink's built-in session windows with the same
 * aggregate on an input whose events are up to 90 min out of order but none beyond the allowed lateness, and with
 * the default settings on an input with events hours late.
 */
class SessionsJobIT {
  @RegisterExtension
  static final MiniClusterExtension CLUSTER =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

  private static final long MINUTE = 60_000;

  /**
   * With a 1 h allowed lateness, delays of up to 90 min (a third of the events more than the 30 min gap) split
   * sessions that late events then revise, extend backwards and merge, but leave no event beyond the lateness: that
   * takes more than gap + lateness + out-of-orderness (90 min 2 s).
   */
  private static final String PEER_LATENESS = "1h";

  private static final GeneratorConfig PEER_INPUT =
      GeneratorConfig.defaults().withEvents(30_000).withSeed(11).withUsersAndPages(500, 100).withDisorder(90 * MINUTE, 0, 0);

  /** Up to 5 s out of order, plus events 1 to 2 h late and malformed lines. */
  private static final GeneratorConfig LATE_INPUT =
      GeneratorConfig.defaults().withEvents(30_000).withSeed(7).withUsersAndPages(500, 100).withDisorder(5_000, 0.005, 0.005);

  @TempDir static Path dir;

  static List<ClickEvent> peerEvents;
  static List<ClickEvent> lateInputEvents;
  static Path sessionizerOutput;
  static Path windowsOutput;
  static Path lateOutput;
  static String lateSummary;

  @BeforeAll
  static void runJobs() throws Exception {
    Path peerInput = write(PEER_INPUT, "peer.jsonl");
    Path lateInput = write(LATE_INPUT, "late.jsonl");
    peerEvents = validEvents(peerInput);
    lateInputEvents = validEvents(lateInput);
    sessionizerOutput = dir.resolve("sessionizer");
    windowsOutput = dir.resolve("windows");
    lateOutput = dir.resolve("late");
    run(peerInput, sessionizerOutput, "--implementation", "sessionizer", "--allowed-lateness", PEER_LATENESS);
    run(peerInput, windowsOutput, "--implementation", "windows", "--allowed-lateness", PEER_LATENESS);
    lateSummary = run(lateInput, lateOutput);
  }

  @Test
  void finalSessionsEqualThoseOfTheBuiltInSessionWindows() throws Exception {
    List<Map<String, Object>> changelog = records(sessionizerOutput.resolve(SessionsJob.SESSIONS));
    Set<String> ours = describe(finalSessions(changelog));
    Set<String> theirs = describe(finalWindows(records(windowsOutput.resolve(SessionsJob.SESSIONS))));

    assertThat(ours).hasSizeGreaterThan(1_000).isEqualTo(theirs);
    assertThat(OutputFiles.lines(sessionizerOutput.resolve(SessionsJob.LATE))).isEmpty();
    assertThat(OutputFiles.lines(windowsOutput.resolve(SessionsJob.LATE))).isEmpty();
    assertThat(changelog).as("revisions").anyMatch(r -> (Long) r.get("revision") > 0 && !(Boolean) r.get("retracted"));
    assertThat(changelog).as("retractions").anyMatch(r -> (Boolean) r.get("retracted"));
    assertThat(finalSessions(changelog).stream().mapToLong(r -> (Long) r.get("events")).sum())
        .isEqualTo(peerEvents.size());
  }

  @Test
  void tooLateEventsAreWrittenAndCountedAndEveryOtherEventIsInAFinalSession() throws Exception {
    Set<Long> late = new HashSet<>();
    for (String line : OutputFiles.lines(lateOutput.resolve(SessionsJob.LATE))) {
      late.add(ClickEventParser.parse(line).eventId);
    }
    // The generator's late events are 1 to 2 hours behind the stream; every other event at most 5 seconds.
    Set<Long> injectedLate = new HashSet<>();
    long maxSoFar = Long.MIN_VALUE;
    for (ClickEvent event : lateInputEvents) {
      if (maxSoFar != Long.MIN_VALUE && event.eventTime < maxSoFar - 30 * MINUTE) {
        injectedLate.add(event.eventId);
      }
      maxSoFar = Math.max(maxSoFar, event.eventTime);
    }
    // An injected event can still join a user's session that is not final yet, so only a subset is late.
    assertThat(late).isNotEmpty().isSubsetOf(injectedLate);
    assertThat(lateSummary).containsPattern(SessionsJob.LATE + "\\s+" + String.format("%,d", late.size()));

    List<Map<String, Object>> sessions = finalSessions(records(lateOutput.resolve(SessionsJob.SESSIONS)));
    assertThat(sessions.stream().mapToLong(r -> (Long) r.get("events")).sum() + late.size())
        .isEqualTo(lateInputEvents.size());
    for (Map<String, Object> s : sessions) {
      assertThat((Long) s.get("sessionEnd") - (Long) s.get("sessionStart")).isBetween(0L, 4 * 60 * MINUTE);
      assertThat((Long) s.get("views") + (Long) s.get("adImpressions") + (Long) s.get("adClicks"))
          .isEqualTo(s.get("events"));
      assertThat((Long) s.get("distinctPages")).isBetween(1L, (Long) s.get("events"));
    }
  }

  /** Per (user, start), the record with the highest revision, unless it is a retraction. */
  private static List<Map<String, Object>> finalSessions(List<Map<String, Object>> changelog) {
    Map<String, Map<String, Object>> latest = new HashMap<>();
    for (Map<String, Object> r : changelog) {
      latest.merge(
          r.get("userId") + "@" + r.get("sessionStart"),
          r,
          (a, b) -> (Long) a.get("revision") >= (Long) b.get("revision") ? a : b);
    }
    return latest.values().stream().filter(r -> !(Boolean) r.get("retracted")).toList();
  }

  /**
   * The built-in windows neither number nor retract firings: a firing is superseded by a later one of the same user
   * whose window contains it and has more events (the same window updated, extended or merged).
   */
  private static List<Map<String, Object>> finalWindows(List<Map<String, Object>> firings) {
    Map<Object, List<Map<String, Object>>> byUser =
        firings.stream().collect(Collectors.groupingBy(r -> r.get("userId")));
    List<Map<String, Object>> finals = new ArrayList<>();
    for (List<Map<String, Object>> userFirings : byUser.values()) {
      for (Map<String, Object> r : userFirings) {
        boolean superseded =
            userFirings.stream()
                .anyMatch(
                    other ->
                        (Long) other.get("sessionStart") <= (Long) r.get("sessionStart")
                            && (Long) other.get("sessionEnd") >= (Long) r.get("sessionEnd")
                            && (Long) other.get("events") > (Long) r.get("events"));
        if (!superseded) {
          finals.add(r);
        }
      }
    }
    return finals;
  }

  /** A session's identity and aggregates, without revision and retraction, which only our changelog has. */
  private static Set<String> describe(List<Map<String, Object>> sessions) {
    Set<String> described = new HashSet<>();
    for (Map<String, Object> s : sessions) {
      assertThat(
              described.add(
                  String.join(
                      " ",
                      Objects.toString(s.get("userId")),
                      "start=" + s.get("sessionStart"),
                      "end=" + s.get("sessionEnd"),
                      "events=" + s.get("events"),
                      "views=" + s.get("views"),
                      "impressions=" + s.get("adImpressions"),
                      "clicks=" + s.get("adClicks"),
                      "pages=" + s.get("distinctPages"),
                      "entry=" + s.get("entryPage"),
                      "exit=" + s.get("exitPage"))))
          .isTrue();
    }
    return described;
  }

  private static List<Map<String, Object>> records(Path folder) throws Exception {
    return OutputFiles.lines(folder).stream().map(OutputFiles::fields).toList();
  }

  private static Path write(GeneratorConfig config, String name) throws Exception {
    Path file = dir.resolve(name);
    try (Writer out = Files.newBufferedWriter(file)) {
      ClickstreamText.writeEvents(config, out);
    }
    return file;
  }

  private static List<ClickEvent> validEvents(Path file) throws Exception {
    List<ClickEvent> events = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      try {
        events.add(ClickEventParser.parse(line));
      } catch (MalformedEventException e) {
        // a dead letter, not an event
      }
    }
    return events;
  }

  private static String run(Path input, Path output, String... options) throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(SessionsJob.NAME, "--input", input.toString(), "--output", output.toString(), "--parallelism", "2"));
    args.addAll(List.of(options));
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    int status =
        StreamSketchCli.run(
            args.toArray(String[]::new), new PrintStream(stdout, true, StandardCharsets.UTF_8), System.err);
    String summary = stdout.toString(StandardCharsets.UTF_8);
    assertThat(status).as(summary).isZero();
    return summary;
  }
}
