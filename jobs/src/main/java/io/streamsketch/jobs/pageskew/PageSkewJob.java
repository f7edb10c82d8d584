package io.streamsketch.jobs.pageskew;

import io.streamsketch.flink.aggregate.AmsAggregate;
import io.streamsketch.flink.aggregate.LocalGlobalAggregation;
import io.streamsketch.flink.aggregate.NumberedFiringWindowFunction;
import io.streamsketch.flink.aggregate.WindowPartial;
import io.streamsketch.flink.io.SideOutputs;
import io.streamsketch.jobs.cli.Option;
import io.streamsketch.jobs.cli.OptionSet;
import io.streamsketch.jobs.cli.ParsedArgs;
import io.streamsketch.jobs.runtime.CommonOptions;
import io.streamsketch.jobs.runtime.EventTime;
import io.streamsketch.jobs.runtime.JobCommand;
import io.streamsketch.jobs.runtime.JobRun;
import io.streamsketch.jobs.runtime.SketchWindows;
import io.streamsketch.jobs.verify.PageSkewVerifier;
import io.streamsketch.model.ClickEvent;
import io.streamsketch.model.PageSkew;
import io.streamsketch.sketch.moments.AmsSketch;
import java.io.PrintStream;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;

/**
 * {@code page-skew}: per tumbling event-time window, the self-join size F2 = Σ views(page)² of the page views, by an
 * AMS sketch within (1 ± ε)·F2 with probability at least 1 − δ, with that bound; {@code --verify} adds the exact F2.
 *
 * <p>Local-global: a {@link io.streamsketch.flink.aggregate.LocalWindowAggregator} folds each subtask's views into one
 * sketch per window, and a global window adds the partial sketches' counters (an exact merge: all share one seed).
 */
public final class PageSkewJob implements JobCommand {
  public static final String NAME = "page-skew";

  static final String SKEW = "page-skew";
  static final String LATE_EVENTS = "late-events";
  static final String LATE_PARTIALS = "late-partials";

  /** The one key of the local and global windows: one sketch of all pages per window. */
  public static final String ALL_PAGES = "*";

  /** The seed of the sketches' hashes; fixed, so that every run (and a restored one) merges with the same hashes. */
  static final long SEED = 0x616D73L;

  /** The job's parameters. */
  public record Settings(SketchWindows windows, double epsilon, double delta, boolean verify) {
    public Settings {
      AmsSketch.create(epsilon, delta, SEED); // invalid ε or δ fail here, with the sketch's message
    }

    /** The default windows; ε = 0.2, δ = 0.05 (400 counters in each of 8 groups); unverified. */
    public static Settings defaults() {
      return new Settings(SketchWindows.defaults(), 0.2, 0.05, false);
    }
  }

  /** The job's output streams. */
  public record Results(
      DataStream<PageSkew> skew, DataStream<ClickEvent> lateEvents, DataStream<WindowPartial<AmsSketch>> latePartials) {}

  /** Wires the pipeline from events (with timestamps and watermarks) to results, with no source and no sink. */
  public static Results build(DataStream<ClickEvent> events, Settings settings) {
    DataStream<ClickEvent> views = EventTime.views(events, NAME);
    AmsAggregate<ClickEvent> pages = new AmsAggregate<>(event -> event.pageId, settings.epsilon(), settings.delta(), SEED);
    SingleOutputStreamOperator<WindowPartial<AmsSketch>> partials =
        LocalGlobalAggregation.localPartials(
            views,
            NAME + "/local-sketches",
            event -> ALL_PAGES,
            TumblingEventTimeWindows.of(settings.windows().window()),
            settings.windows().allowedLateness(),
            pages,
            AmsAggregate.ACCUMULATOR_TYPE,
            settings.windows().maxPartials(),
            SideOutputs.LATE_EVENTS);
    SingleOutputStreamOperator<PageSkew> skew =
        LocalGlobalAggregation.mergePartials(
            partials,
            NAME + "/window",
            partial -> ALL_PAGES,
            settings.windows().allowedLateness(),
            pages,
            AmsAggregate.ACCUMULATOR_TYPE,
            new ToPageSkew(),
            TypeInformation.of(PageSkew.class));
    DataStream<PageSkew> results = skew;
    if (settings.verify()) {
      results =
          PageSkewVerifier.verify(
              NAME,
              views,
              skew,
              ALL_PAGES,
              settings.windows().window(),
              settings.windows().allowedLateness(),
              settings.windows().maxPartials());
    }
    return new Results(
        results,
        partials.getSideOutput(SideOutputs.LATE_EVENTS),
        skew.getSideOutput(LocalGlobalAggregation.latePartials(AmsAggregate.ACCUMULATOR_TYPE)));
  }

  /** A window's sketch as its estimate with the interval the (ε, δ) guarantee gives. */
  static final class ToPageSkew extends NumberedFiringWindowFunction<AmsSketch, PageSkew> {
    private static final long serialVersionUID = 1L;

    @Override
    protected PageSkew result(String key, TimeWindow window, AmsSketch sketch, int firing) {
      PageSkew result = new PageSkew();
      result.windowStart = window.getStart();
      result.windowEnd = window.getEnd();
      // Every view adds weight 1, so the total absolute weight is the exact number of views.
      result.views = sketch.absoluteWeight();
      result.f2Estimate = sketch.estimate();
      result.epsilon = sketch.epsilon();
      result.delta = sketch.delta();
      result.f2Lower = result.f2Estimate / (1 + result.epsilon);
      result.f2Upper = result.f2Estimate / (1 - result.epsilon);
      result.skew = result.f2Estimate / ((double) result.views * result.views);
      result.firing = firing;
      return result;
    }
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String summary() {
    return "self-join size F2 of page views (AMS sketch) per event-time window, with its (ε, δ) bound";
  }

  @Override
  public OptionSet options() {
    return new OptionSet()
        .addAll(CommonOptions.INPUT)
        .addAll(CommonOptions.GENERATOR)
        .addAll(SketchWindows.OPTIONS)
        .add(Option.value("epsilon", "ε", "0.2", "relative error of F2, in (0, 1): ⌈16/ε²⌉ counters per group"))
        .add(Option.value("delta", "δ", "0.05", "failure probability, in (0, 1): ⌈2·ln(1/δ)/ln(16/7)⌉ groups"))
        .add(Option.flag("verify", "add the exact F2 of each window to its result"))
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
                    args.doubleValue("epsilon", 0),
                    args.doubleValue("delta", 0),
                    args.flag("verify")));
    JobRun job = JobRun.start(NAME, args, settings.windows().watermarks());
    Results results = build(job.events(), settings);
    job.write(results.skew(), SKEW);
    job.write(results.lateEvents(), LATE_EVENTS);
    job.write(results.latePartials(), LATE_PARTIALS);
    return job.execute(out);
  }
}
