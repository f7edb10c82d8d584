package io.streamsketch.jobs.sessionsegments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.streamsketch.generator.GeneratorConfig;
import io.streamsketch.jobs.sessions.SessionsJob;
import io.streamsketch.jobs.testing.GeneratedRuns;
import io.streamsketch.jobs.testing.OutputFiles;
import io.streamsketch.learning.linalg.Cholesky;
import io.streamsketch.learning.regression.LabeledPoint;
import io.streamsketch.model.SessionSummary;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@code session-segments} twice and {@code sessions} once on the same in-order input at parallelism 2: every
 * first session version enters each model exactly once, in the batch of its emission time; the segments are the
 * same in both runs (a seed and a sorted batch make them independent of arrival order); and the duration model's
 * posterior after the last batch equals the closed-form posterior over all the sessions.
 */
class SessionSegmentsJobIT {
  @RegisterExtension
  static final MiniClusterExtension CLUSTER =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

  private static final long MINUTE = 60_000;
  private static final long GAP = 30 * MINUTE;
  private static final long BATCH = 10 * MINUTE;

  /** In order, so that every session is emitted once (no revision); late events are the sessions job's concern. */
  private static final GeneratorConfig INPUT =
      GeneratorConfig.defaults().withEvents(20_000).withSeed(5).withUsersAndPages(400, 80).withDisorder(0, 0, 0);

  @TempDir static Path dir;
  static List<SessionSummary> sessions;
  static List<String> segments;
  static List<String> segmentsAgain;
  static List<String> durationModel;

  @BeforeAll
  static void runJobs() throws Exception {
    GeneratedRuns.run(SessionsJob.NAME, INPUT, dir.resolve("sessions"));
    GeneratedRuns.run(SessionSegmentsJob.NAME, INPUT, dir.resolve("first"));
    GeneratedRuns.run(SessionSegmentsJob.NAME, INPUT, dir.resolve("second"));
    sessions = new ArrayList<>();
    for (String line : OutputFiles.lines(dir.resolve("sessions").resolve("sessions"))) {
      Map<String, Object> f = OutputFiles.fields(line);
      if ((Long) f.get("revision") == 0 && !(Boolean) f.get("retracted")) {
        SessionSummary s = new SessionSummary();
        s.sessionStart = (Long) f.get("sessionStart");
        s.sessionEnd = (Long) f.get("sessionEnd");
        s.events = (Long) f.get("events");
        s.views = (Long) f.get("views");
        s.distinctPages = (Long) f.get("distinctPages");
        s.adClicks = (Long) f.get("adClicks");
        sessions.add(s);
      }
    }
    segments = sortedByBatch(dir.resolve("first").resolve(SessionSegmentsJob.SEGMENTS));
    segmentsAgain = sortedByBatch(dir.resolve("second").resolve(SessionSegmentsJob.SEGMENTS));
    durationModel = sortedByBatch(dir.resolve("first").resolve(SessionSegmentsJob.DURATION_MODEL));
  }

  private static List<String> sortedByBatch(Path folder) throws Exception {
    return OutputFiles.lines(folder).stream()
        .sorted(Comparator.comparingLong(line -> (Long) OutputFiles.fields(line).get("batch")))
        .toList();
  }

  @Test
  void everySessionEntersEachModelOnceInTheBatchOfItsEmission() throws Exception {
    assertThat(sessions).hasSizeGreaterThan(1_000);
    long applied = 0;
    long batch = 0;
    for (String line : segments) {
      Map<String, Object> f = OutputFiles.fields(line);
      assertThat((Long) f.get("batch")).isEqualTo(++batch);
      long start = (Long) f.get("batchStart");
      long end = (Long) f.get("batchEnd");
      assertThat(end - start).isEqualTo(BATCH);
      // The sessionizer emits a session when the watermark reaches its end + gap − 1 ms, with that timestamp.
      long inBatch =
          sessions.stream().filter(s -> s.sessionEnd + GAP - 1 >= start && s.sessionEnd + GAP - 1 < end).count();
      assertThat((Long) f.get("sessions")).as("sessions of batch %d", batch).isEqualTo(inBatch);
      long assigned = OutputFiles.objectsIn(line, "segments").stream().mapToLong(s -> (Long) s.get("assigned")).sum();
      assertThat(assigned).isEqualTo(inBatch);
      applied += inBatch;
      assertThat((Long) f.get("totalSessions")).isEqualTo(applied);
    }
    assertThat(applied).isEqualTo(sessions.size());
    assertThat(OutputFiles.objectsIn(segments.get(segments.size() - 1), "segments")).hasSize(4);
    assertThat(durationModel).hasSameSizeAs(segments);
    assertThat((Long) OutputFiles.fields(durationModel.get(durationModel.size() - 1)).get("totalPoints"))
        .isEqualTo(sessions.size());
    assertThat(OutputFiles.lines(dir.resolve("first").resolve(SessionSegmentsJob.LATE_SESSIONS))).isEmpty();
    assertThat(OutputFiles.lines(dir.resolve("first").resolve(SessionSegmentsJob.LATE_EVENTS))).isEmpty();
  }

  @Test
  void theSegmentsAreTheSameInEveryRun() {
    assertThat(segmentsAgain).isEqualTo(segments);
  }

  @Test
  void theDurationPosteriorEqualsTheClosedFormOverAllSessions() {
    // The defaults: prior precision α = 1, noise precision β = 1.
    int d = SessionSegmentsJob.DURATION_WEIGHTS.length;
    double[][] precision = new double[d][d];
    double[] shift = new double[d];
    for (int i = 0; i < d; i++) {
      precision[i][i] = 1;
    }
    for (SessionSummary s : sessions) {
      LabeledPoint p = SessionSegmentsJob.durationPoint(s);
      for (int i = 0; i < d; i++) {
        shift[i] += p.features[i] * p.label;
        for (int j = 0; j < d; j++) {
          precision[i][j] += p.features[i] * p.features[j];
        }
      }
    }
    Cholesky cholesky = Cholesky.factor(precision);
    double[] mean = cholesky.solve(shift);
    double[] variance = cholesky.inverseDiagonal();
    String last = durationModel.get(durationModel.size() - 1);
    double[] weights = numbers(last, "weights");
    double[] sd = numbers(last, "standardDeviations");
    for (int i = 0; i < d; i++) {
      assertThat(weights[i]).as("weight %d", i).isCloseTo(mean[i], within(1e-9 * Math.abs(mean[i])));
      assertThat(sd[i] * sd[i]).as("variance %d", i).isCloseTo(variance[i], within(1e-9 * variance[i]));
    }
  }

  private static double[] numbers(String line, String field) {
    Matcher m = Pattern.compile("\"" + field + "\":\\[([^\\]]*)\\]").matcher(line);
    assertThat(m.find()).as(field + " in " + line).isTrue();
    String[] parts = m.group(1).split(",");
    double[] values = new double[parts.length];
    for (int i = 0; i < parts.length; i++) {
      values[i] = Double.parseDouble(parts[i]);
    }
    return values;
  }
}
