package io.streamsketch.jobs.sessionsegments;

import io.streamsketch.flink.learning.BatchTimestamps;
import io.streamsketch.flink.learning.BayesianLinearRegressionSerializer;
import io.streamsketch.flink.learning.LearningWindows;
import io.streamsketch.jobs.cli.Option;
import io.streamsketch.jobs.cli.OptionSet;
import io.streamsketch.jobs.cli.ParsedArgs;
import io.streamsketch.jobs.runtime.CommonOptions;
import io.streamsketch.jobs.runtime.EventTime;
import io.streamsketch.jobs.runtime.JobCommand;
import io.streamsketch.jobs.runtime.JobRun;
import io.streamsketch.jobs.sessions.SessionsJob;
import io.streamsketch.learning.kmeans.DecayUnit;
import io.streamsketch.learning.kmeans.KMeansParameters;
import io.streamsketch.learning.regression.BayesianLinearRegression;
import io.streamsketch.learning.regression.BayesianParameters;
import io.streamsketch.learning.regression.LabeledPoint;
import io.streamsketch.model.ClickEvent;
import io.streamsketch.model.ClusterCentres;
import io.streamsketch.model.RegressionWeights;
import io.streamsketch.model.SessionSegments;
import io.streamsketch.model.SessionSummary;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.util.OutputTag;

/**
 * {@code session-segments}: segments browsing sessions by streaming k-means on their features, and learns how long
 * a session lasts from its other features by Bayesian linear regression, both per mini-batch of sessions (a tumbling
 * event-time window on the time a session is emitted).
 *
 * <p>The sessions are those of the {@code sessions} job (its {@link SessionsJob#build}). Each enters the models once,
 * in its first emitted version (revision 0), in the batch of the time it became due (last event + gap − 1 ms),
 * whatever the timestamp it was emitted with: a model update cannot be retracted, so the later revisions and
 * retractions a late event causes are not applied. The features are log(1 + x) of events, views, distinct pages,
 * duration in seconds and ad clicks: counts and durations are heavy-tailed, and without the logarithm the
 * Euclidean distance would be the duration alone. The duration model predicts log(1 + duration seconds) from an
 * intercept and log(1 + x) of events, views, distinct pages and ad clicks.
 *
 * <p>One model of each kind, so each learns at parallelism 1 (a constant key); the sessionizer before it scales.
 */
public final class SessionSegmentsJob implements JobCommand {
  public static final String NAME = "session-segments";

  static final String SEGMENTS = "segments";
  static final String DURATION_MODEL = "duration-model";
  static final String LATE_EVENTS = "late-events";
  static final String LATE_SESSIONS = "late-sessions";

  /** Names of the duration model's weights, in order. */
  public static final String[] DURATION_WEIGHTS = {"intercept", "events", "views", "distinctPages", "adClicks"};

  private static final String MODEL_KEY = "sessions";

  /** The job's parameters. */
  public record Settings(
      SessionsJob.Settings sessions, Duration batch, KMeansParameters segments, BayesianParameters duration) {}

  /** The job's output streams. */
  public record Results(
      DataStream<SessionSegments> segments,
      DataStream<RegressionWeights> durationModel,
      DataStream<ClickEvent> lateEvents,
      DataStream<SessionSummary> lateSessions) {}

  /** Wires the pipeline from events (with timestamps and watermarks) to results, with no source and no sink. */
  public static Results build(DataStream<ClickEvent> events, Settings settings) {
    // Made here, not in static fields: TypeInformation.of starts logging, which must wait until the CLI has set it up.
    OutputTag<SessionSummary> lateForSegments =
        new OutputTag<>("sessions-late-for-segments", TypeInformation.of(SessionSummary.class));
    OutputTag<SessionSummary> lateForDuration =
        new OutputTag<>("sessions-late-for-duration", TypeInformation.of(SessionSummary.class));
    SessionsJob.Results sessions = SessionsJob.build(events, settings.sessions());
    // A session's batch is the time the sessionizer's rules make it due, its last event + gap − 1 ms; the
    // sessionizer's timer may stamp it earlier when the watermark jumps (see BatchTimestamps).
    long gap = settings.sessions().gap().toMillis();
    KeyedStream<SessionSummary, String> firstVersions =
        sessions
            .sessions()
            .filter(s -> s.revision == 0 && !s.retracted)
            .uid("session-segments/first-session-versions")
            .name("first-session-versions")
            .transform(
                "session-due-time",
                TypeInformation.of(SessionSummary.class),
                new BatchTimestamps<SessionSummary>(s -> s.sessionEnd + gap - 1))
            .uid("session-segments/session-due-time")
            .keyBy(s -> MODEL_KEY, TypeInformation.of(String.class));
    SingleOutputStreamOperator<ClusterCentres> centres =
        LearningWindows.kMeans(
                firstVersions,
                settings.batch(),
                settings.segments(),
                SessionSegmentsJob::segmentFeatures,
                lateForSegments)
            .uid("session-segments/kmeans")
            .name("streaming-kmeans");
    BayesianParameters duration = settings.duration();
    SingleOutputStreamOperator<RegressionWeights> durationModel =
        LearningWindows.regression(
                firstVersions,
                settings.batch(),
                () -> BayesianLinearRegression.create(duration),
                BayesianLinearRegressionSerializer.TYPE_INFO,
                SessionSegmentsJob::durationPoint,
                lateForDuration)
            .uid("session-segments/duration-regression")
            .name("bayesian-duration-regression");
    DataStream<SessionSegments> segments =
        centres
            .map(SessionSegmentsJob::inFeatureUnits, TypeInformation.of(SessionSegments.class))
            .uid("session-segments/segments-in-feature-units")
            .name("segments-in-feature-units");
    return new Results(
        segments,
        durationModel,
        sessions.late(),
        centres.getSideOutput(lateForSegments).union(durationModel.getSideOutput(lateForDuration)));
  }

  /** log(1 + x) of events, views, distinct pages, duration in seconds and ad clicks. */
  static double[] segmentFeatures(SessionSummary s) {
    return new double[] {
      Math.log1p(s.events),
      Math.log1p(s.views),
      Math.log1p(s.distinctPages),
      Math.log1p(durationSeconds(s)),
      Math.log1p(s.adClicks)
    };
  }

  /** log(1 + duration seconds) from an intercept and log(1 + x) of the other features. */
  static LabeledPoint durationPoint(SessionSummary s) {
    return new LabeledPoint(
        new double[] {1, Math.log1p(s.events), Math.log1p(s.views), Math.log1p(s.distinctPages), Math.log1p(s.adClicks)},
        Math.log1p(durationSeconds(s)));
  }

  private static double durationSeconds(SessionSummary s) {
    return (s.sessionEnd - s.sessionStart) / 1000.0;
  }

  static SessionSegments inFeatureUnits(ClusterCentres c) {
    SessionSegments out = new SessionSegments();
    out.batchStart = c.batchStart;
    out.batchEnd = c.batchEnd;
    out.batch = c.batch;
    out.sessions = c.points;
    out.totalSessions = c.totalPoints;
    out.weights = c.weights;
    out.assigned = c.assigned;
    out.seeded = c.seeded;
    out.dyingSegment = c.dyingCluster;
    out.splitSegment = c.splitCluster;
    if (c.centres != null) {
      out.events = column(c.centres, 0);
      out.views = column(c.centres, 1);
      out.distinctPages = column(c.centres, 2);
      out.durationSeconds = column(c.centres, 3);
      out.adClicks = column(c.centres, 4);
    }
    return out;
  }

  /** Feature {@code i} of every centre, back from log(1 + x) to x. */
  private static double[] column(double[][] centres, int i) {
    double[] values = new double[centres.length];
    for (int c = 0; c < centres.length; c++) {
      values[c] = Math.expm1(centres[c][i]);
    }
    return values;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String summary() {
    return "streaming k-means segments of sessions and a Bayesian regression of their duration, per event-time batch";
  }

  @Override
  public OptionSet options() {
    return new OptionSet()
        .addAll(CommonOptions.INPUT)
        .addAll(CommonOptions.GENERATOR)
        .addAll(SessionsJob.SESSION_OPTIONS)
        .add(Option.value("batch", "duration", "10m", "event-time length of a mini-batch of sessions"))
        .add(Option.value("k", "count", "4", "number of segments, 1 to 100"))
        .add(Option.value("decay", "α", "0.9", "decay factor in [0, 1]: 1 weighs all history equally, 0 the last batch"))
        .add(Option.value("half-life", "units", null, "when given, α = 0.5^(1/half-life), replacing --decay"))
        .add(Option.value("decay-unit", "batches|points", "batches", "what α discounts: each batch or each session"))
        .add(Option.value("kmeans-seed", "long", "1", "seeds the choice of the initial centres"))
        .add(Option.value("prior-precision", "α", "1", "duration model: precision of the N(0, I/α) prior per weight"))
        .add(Option.value("noise-precision", "β", "1", "duration model: 1 / noise variance of log(1 + seconds)"))
        .addAll(CommonOptions.RUNTIME);
  }

  @Override
  public int run(ParsedArgs args, PrintStream out) throws Exception {
    Settings settings =
        JobRun.settings(
            NAME,
            () -> {
              int k = args.intValue("k", 1, 100);
              DecayUnit unit =
                  DecayUnit.valueOf(args.choice("decay-unit", "batches", "points").toUpperCase(Locale.ROOT));
              long seed = args.longValue("kmeans-seed", Long.MIN_VALUE);
              KMeansParameters segments =
                  args.has("half-life")
                      ? KMeansParameters.withHalfLife(k, 5, args.doubleValue("half-life", 0), unit, seed)
                      : new KMeansParameters(k, 5, args.doubleValue("decay", 0), unit, seed);
              return new Settings(
                  SessionsJob.settings(args, SessionsJob.Implementation.SESSIONIZER),
                  args.duration("batch"),
                  segments,
                  new BayesianParameters(
                      DURATION_WEIGHTS.length, args.doubleValue("prior-precision", 0), args.doubleValue("noise-precision", 0)));
            });
    JobRun job =
        JobRun.start(
            NAME,
            args,
            new EventTime.Watermarks(settings.sessions().outOfOrderness(), settings.sessions().idleness()));
    Results results = build(job.events(), settings);
    job.write(results.segments(), SEGMENTS);
    job.write(results.durationModel(), DURATION_MODEL);
    job.write(results.lateEvents(), LATE_EVENTS);
    job.write(results.lateSessions(), LATE_SESSIONS);
    return job.execute(out);
  }
}
