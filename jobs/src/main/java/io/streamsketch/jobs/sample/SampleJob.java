package io.streamsketch.jobs.sample;

import io.streamsketch.flink.aggregate.LocalGlobalAggregation;
import io.streamsketch.flink.aggregate.NumberedFiringWindowFunction;
import io.streamsketch.flink.aggregate.ReservoirAggregate;
import io.streamsketch.flink.aggregate.WindowPartial;
import io.streamsketch.flink.io.SideOutputs;
import io.streamsketch.jobs.cli.Option;
import io.streamsketch.jobs.cli.OptionSet;
import io.streamsketch.jobs.cli.ParsedArgs;
import io.streamsketch.jobs.runtime.CommonOptions;
import io.streamsketch.jobs.runtime.JobCommand;
import io.streamsketch.jobs.runtime.JobRun;
import io.streamsketch.jobs.runtime.SketchWindows;
import io.streamsketch.jobs.verify.SampleVerifier;
import io.streamsketch.model.ClickEvent;
import io.streamsketch.model.WindowSample;
import io.streamsketch.sketch.sampling.SkipReservoir;
import java.io.PrintStream;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;

/**
 * {@code sample}: k events per tumbling event-time window, drawn uniformly from all events of the window by the
 * skip-based reservoir (Algorithm L). Each subtask keeps one reservoir per window in heap ({@link
 * io.streamsketch.flink.aggregate.LocalWindowAggregator}); one keyed window merges them, weighting each by the events
 * it saw, into a uniform sample of the whole window. {@code --verify} adds the window's exact event count and a
 * DataSketches reservoir's sample of the same k ({@link SampleVerifier}). {@code --exact} runs the exact equivalent
 * instead, for comparison: every event of the window in keyed state, k drawn at firing time ({@link ExactWindowSample}).
 */
public final class SampleJob implements JobCommand {
  public static final String NAME = "sample";

  static final String SAMPLES = "samples";
  static final String LATE_EVENTS = "late-events";
  static final String LATE_PARTIALS = "late-partials";
  private static final String ALL_EVENTS = "*";

  /** The job's parameters. */
  public record Settings(
      SketchWindows windows,
      int k,
      long seed,
      boolean exact,
      boolean verify) {

    public Settings {
      new ReservoirAggregate<>(k, seed, TypeInformation.of(ClickEvent.class)); // the reservoir's checks
      if (exact && verify) {
        throw new IllegalArgumentException("--exact and --verify exclude each other: --exact is already exact");
      }
    }

    /** The default windows; k = 10; seed 1; reservoirs, unverified. */
    public static Settings defaults() {
      return new Settings(SketchWindows.defaults(), 10, 1, false, false);
    }
  }

  /** The job's output streams; {@code latePartials} is null in exact mode, which has no partials. */
  public record Results(
      DataStream<WindowSample> samples,
      DataStream<ClickEvent> lateEvents,
      DataStream<WindowPartial<SkipReservoir<ClickEvent>>> latePartials) {}

  /** Wires the pipeline from events (with timestamps and watermarks) to results, with no source and no sink. */
  public static Results build(DataStream<ClickEvent> events, Settings settings) {
    DataStream<ClickEvent> timed =
        events;
    return settings.exact() ? buildExact(timed, settings) : buildReservoirs(timed, settings);
  }

  private static Results buildReservoirs(DataStream<ClickEvent> timed, Settings settings) {
    ReservoirAggregate<ClickEvent> reservoirs =
        new ReservoirAggregate<>(settings.k(), settings.seed(), TypeInformation.of(ClickEvent.class));
    TypeInformation<SkipReservoir<ClickEvent>> reservoirType = reservoirs.accumulatorType();
    SingleOutputStreamOperator<WindowPartial<SkipReservoir<ClickEvent>>> partials =
        LocalGlobalAggregation.localPartials(
            timed,
            NAME + "/local-reservoirs",
            event -> ALL_EVENTS,
            TumblingEventTimeWindows.of(settings.windows().window()),
            settings.windows().allowedLateness(),
            reservoirs,
            reservoirType,
            settings.windows().maxPartials(),
            SideOutputs.LATE_EVENTS);
    SingleOutputStreamOperator<WindowSample> samples =
        LocalGlobalAggregation.mergePartials(
            partials,
            NAME + "/window",
            partial -> ALL_EVENTS,
            settings.windows().allowedLateness(),
            reservoirs,
            reservoirType,
            new ToWindowSample(),
            TypeInformation.of(WindowSample.class));
    DataStream<WindowSample> results = samples;
    if (settings.verify()) {
      results =
          SampleVerifier.verify(
              NAME, timed, samples, settings.windows().window(), settings.windows().allowedLateness(), settings.k(), settings.windows().maxPartials());
    }
    return new Results(
        results,
        partials.getSideOutput(SideOutputs.LATE_EVENTS),
        samples.getSideOutput(LocalGlobalAggregation.latePartials(reservoirType)));
  }

  private static Results buildExact(DataStream<ClickEvent> timed, Settings settings) {
    long window = settings.windows().window().toMillis();
    SingleOutputStreamOperator<WindowSample> samples =
        timed
            .keyBy(event -> ExactWindowSample.windowStart(event, window), Types.LONG)
            .process(
                new ExactWindowSample(window, settings.windows().allowedLateness().toMillis(), settings.k(), settings.seed()),
                TypeInformation.of(WindowSample.class))
            .uid(NAME + "/exact-samples")
            .name("exact-samples");
    return new Results(samples, samples.getSideOutput(SideOutputs.LATE_EVENTS), null);
  }

  /** A window's reservoir as a record. */
  static final class ToWindowSample extends NumberedFiringWindowFunction<SkipReservoir<ClickEvent>, WindowSample> {
    private static final long serialVersionUID = 1L;

    @Override
    protected WindowSample result(String key, TimeWindow window, SkipReservoir<ClickEvent> reservoir, int firing) {
      return new WindowSample(
          window.getStart(),
          window.getEnd(),
          reservoir.k(),
          reservoir.itemsSeen(),
          firing,
          reservoir.sample().toArray(ClickEvent[]::new));
    }
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String summary() {
    return "k events per event-time window, drawn uniformly (skip-based reservoir, merged across subtasks)";
  }

  @Override
  public OptionSet options() {
    return new OptionSet()
        .addAll(CommonOptions.INPUT)
        .addAll(CommonOptions.GENERATOR)
        .addAll(SketchWindows.OPTIONS)
        .add(Option.value("k", "n", "10", "events sampled per window"))
        .add(Option.value("sample-seed", "n", "1", "seed of the reservoirs' random draws"))
        .add(Option.flag("exact", "keep every event of the window and draw k at firing time instead, for comparison"))
        .add(Option.flag("verify", "add the exact event count and a DataSketches reservoir's sample to each window"))
        .addAll(CommonOptions.RUNTIME);
  }

  @Override
  public int run(ParsedArgs args, PrintStream out) throws Exception {
    Settings settings =
        JobRun.settings(
            NAME,
            () ->
                new Settings(
                    SketchWindows.from(args),
                    args.intValue("k", 1, 1_000_000),
                    args.longValue("sample-seed", Long.MIN_VALUE),
                    args.flag("exact"),
                    args.flag("verify")));
    JobRun job = JobRun.start(NAME, args, settings.windows().watermarks());
    Results results = build(job.events(), settings);
    job.write(results.samples(), SAMPLES);
    job.write(results.lateEvents(), LATE_EVENTS);
    if (!settings.exact()) {
      job.write(results.latePartials(), LATE_PARTIALS);
    }
    return job.execute(out);
  }
}
