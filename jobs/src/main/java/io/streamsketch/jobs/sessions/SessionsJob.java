package io.streamsketch.jobs.sessions;

import io.streamsketch.flink.io.SideOutputs;
import io.streamsketch.flink.sessions.SessionAccumulator;
import io.streamsketch.flink.sessions.SessionAggregate;
import io.streamsketch.flink.sessions.SessionWindowSummaries;
import io.streamsketch.flink.sessions.Sessionizer;
import io.streamsketch.flink.state.WriteBackKeyedProcessOperator;
import io.streamsketch.jobs.cli.Option;
import io.streamsketch.jobs.cli.OptionSet;
import io.streamsketch.jobs.cli.ParsedArgs;
import io.streamsketch.jobs.runtime.CommonOptions;
import io.streamsketch.jobs.runtime.EventTime;
import io.streamsketch.jobs.runtime.JobCommand;
import io.streamsketch.jobs.runtime.JobRun;
import io.streamsketch.model.ClickEvent;
import io.streamsketch.model.SessionSummary;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.windowing.assigners.EventTimeSessionWindows;

/**
 * {@code sessions}: each user's browsing sessions in event time, built by the {@link Sessionizer} (see there for
 * the exact rules), with late corrections as revisions and retractions, and a late output.
 *
 * <p>{@code --implementation windows} runs Flink's built-in {@link EventTimeSessionWindows} with the same aggregate
 * instead, for the peer test and the benchmark; it has no maximum length, no revisions and no retractions.
 */
public final class SessionsJob implements JobCommand {
  public static final String NAME = "sessions";

  static final String SESSIONS = "sessions";
  static final String LATE = "late-sessions";
  /** The users whose state changes each sessionizer subtask holds in memory before it writes them all to keyed state. */
  static final int MAX_HELD_USERS = 50_000;

  /** Which operator builds the sessions. */
  public enum Implementation {
    SESSIONIZER,
    WINDOWS
  }

  /** The job's parameters. */
  public record Settings(
      Duration gap,
      Duration maxLength,
      Duration allowedLateness,
      Duration outOfOrderness,
      Duration idleness,
      Duration stateTtl,
      Implementation implementation) {

    /**
     * 30 min gap; 4 h maximum length; 1 min allowed lateness; 2 s out-of-orderness; 30 s idleness; 1 day state TTL
     * (a processing-time safety net only); the sessionizer.
     */
    public static Settings defaults() {
      return new Settings(
          Duration.ofMinutes(30),
          Duration.ofHours(4),
          Duration.ofMinutes(1),
          Duration.ofSeconds(2),
          Duration.ofSeconds(30),
          Duration.ofDays(1),
          Implementation.SESSIONIZER);
    }
  }

  /** The options of the sessionizer and its watermarks, shared with the jobs that build on sessions. */
  public static final List<Option> SESSION_OPTIONS =
      List.of(
          Option.value("gap", "duration", "30m", "inactivity that closes a session"),
          Option.value("max-length", "duration", "4h", "a session never spans more; not applied by windows"),
          Option.value("allowed-lateness", "duration", "1m", "a session stays revisable this long after it closes"),
          Option.value("out-of-orderness", "duration", "2s", "how far the watermark trails the largest event time"),
          Option.value("idleness", "duration", "30s", "a source split silent this long stops holding the watermark"),
          Option.value("state-ttl", "duration", "1d", "processing-time TTL of a user's state, a safety net; 0 disables"));

  /** The settings of {@link #SESSION_OPTIONS}, with the given implementation. */
  public static Settings settings(ParsedArgs args, Implementation implementation) {
    return new Settings(
        args.duration("gap"),
        args.duration("max-length"),
        args.nonNegativeDuration("allowed-lateness"),
        args.nonNegativeDuration("out-of-orderness"),
        args.duration("idleness"),
        args.nonNegativeDuration("state-ttl"),
        implementation);
  }

  /** The job's output streams. */
  public record Results(DataStream<SessionSummary> sessions, DataStream<ClickEvent> late) {}

  /** Wires the pipeline from events (with timestamps and watermarks) to results, with no source and no sink. */
  public static Results build(DataStream<ClickEvent> events, Settings settings) {
    KeyedStream<ClickEvent, String> byUser =
        events
            .keyBy(event -> event.userId, TypeInformation.of(String.class));
    TypeInformation<SessionSummary> summaryType = TypeInformation.of(SessionSummary.class);
    SingleOutputStreamOperator<SessionSummary> sessions =
        switch (settings.implementation()) {
          case SESSIONIZER -> byUser
              .transform(
                  "sessionizer",
                  summaryType,
                  new WriteBackKeyedProcessOperator<>(
                      new Sessionizer(
                          settings.gap(), settings.maxLength(), settings.allowedLateness(), settings.stateTtl()),
                      MAX_HELD_USERS))
              .uid("sessions/sessionizer")
              .name("sessionizer");
          case WINDOWS -> byUser
              .window(EventTimeSessionWindows.withGap(settings.gap()))
              .allowedLateness(settings.allowedLateness())
              .sideOutputLateData(SideOutputs.LATE_EVENTS)
              .aggregate(
                  new SessionAggregate(),
                  new SessionWindowSummaries(),
                  TypeInformation.of(SessionAccumulator.class),
                  TypeInformation.of(SessionAccumulator.class),
                  summaryType)
              .uid("sessions/session-windows")
              .name("session-windows");
        };
    return new Results(sessions, sessions.getSideOutput(SideOutputs.LATE_EVENTS));
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String summary() {
    return "per-user event-time sessions with late revisions, retractions of merged sessions and a late output";
  }

  @Override
  public OptionSet options() {
    return new OptionSet()
        .addAll(CommonOptions.INPUT)
        .addAll(CommonOptions.GENERATOR)
        .addAll(SESSION_OPTIONS)
        .add(
            Option.value(
                "implementation",
                "sessionizer|windows",
                "sessionizer",
                "windows runs Flink's EventTimeSessionWindows with the same aggregate, for comparison"))
        .addAll(CommonOptions.RUNTIME);
  }

  @Override
  public int run(ParsedArgs args, PrintStream out) throws Exception {
    Settings settings =
        JobRun.settings(
            NAME,
            () ->
                settings(
                    args,
                    Implementation.valueOf(
                        args.choice("implementation", "sessionizer", "windows").toUpperCase(Locale.ROOT))));
    JobRun job = JobRun.start(NAME, args, new EventTime.Watermarks(settings.outOfOrderness(), settings.idleness()));
    Results results = build(job.events(), settings);
    job.write(results.sessions(), SESSIONS);
    job.write(results.late(), LATE);
    return job.execute(out);
  }
}
