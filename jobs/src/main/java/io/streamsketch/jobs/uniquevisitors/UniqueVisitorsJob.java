package io.streamsketch.jobs.uniquevisitors;

import io.streamsketch.flink.aggregate.HyperLogLogAggregate;
import io.streamsketch.flink.aggregate.LocalGlobalAggregation;
import io.streamsketch.flink.aggregate.WindowPartial;
import io.streamsketch.flink.io.SideOutputs;
import io.streamsketch.flink.serde.HyperLogLogSerializer;
import io.streamsketch.flink.window.LateWindowRouter;
import io.streamsketch.flink.window.WindowResult;
import io.streamsketch.jobs.cli.Option;
import io.streamsketch.jobs.cli.OptionSet;
import io.streamsketch.jobs.cli.ParsedArgs;
import io.streamsketch.jobs.runtime.CommonOptions;
import io.streamsketch.jobs.runtime.EventTime;
import io.streamsketch.jobs.runtime.JobCommand;
import io.streamsketch.jobs.runtime.JobRun;
import io.streamsketch.jobs.runtime.SketchWindows;
import io.streamsketch.jobs.runtime.TumblingLateEvents;
import io.streamsketch.jobs.verify.UniqueVisitorsVerifier;
import io.streamsketch.model.ClickEvent;
import io.streamsketch.model.LateEvent;
import io.streamsketch.model.UniqueVisitors;
import io.streamsketch.sketch.hll.HyperLogLog;
import java.io.PrintStream;
import java.time.Duration;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;

/**
 * {@code unique-visitors}: distinct users (HyperLogLog) of each page, and of all pages, per tumbling event-time window.
 *
 * <p>A {@link io.streamsketch.flink.aggregate.LocalWindowAggregator} folds each subtask's views into one sketch per
 * (page, window) in heap and flushes them at the watermark that fires the window and before each checkpoint; keyed
 * pane windows merge the partials in memory per page and, keyed by {@value UniqueVisitors#ALL_PAGES}, into the global
 * sketch (the union of the pages' sketches is the sketch of all users), and write keyed state before checkpoints.
 * {@code --exact} runs the exact equivalent instead, a {@code MapState} of users per (page, window), for comparison;
 * {@code --verify} adds to each result the exact count and a DataSketches HLL estimate over the same windows ({@link
 * UniqueVisitorsVerifier}). {@code --slide} slides the windows instead, over shared panes ({@link
 * io.streamsketch.flink.window.PaneWindowOperator}).
 */
public final class UniqueVisitorsJob implements JobCommand {
  public static final String NAME = "unique-visitors";

  static final String PER_PAGE = "unique-visitors";
  static final String GLOBAL = "unique-visitors-global";
  static final String LATE_EVENTS = "late-events";
  static final String LATE_PARTIALS = "late-partials";
  static final String LATE_SLIDING = "late-sliding";
  static final String LATE_SLIDING_GLOBAL = "late-sliding-global";

  /** The job's parameters; {@code slide} null for tumbling windows. */
  public record Settings(
      SketchWindows windows,
      int precision,
      boolean exact,
      boolean verify,
      Duration slide) {

    public Settings {
      windows.checkSlide(slide, exact, verify);
      if (precision < HyperLogLog.MIN_PRECISION || precision > HyperLogLog.MAX_PRECISION) {
        throw new IllegalArgumentException(
            "the precision must be in [" + HyperLogLog.MIN_PRECISION + ", " + HyperLogLog.MAX_PRECISION + "]: " + precision);
      }
      if (exact && verify) {
        throw new IllegalArgumentException("--exact and --verify exclude each other: --exact is already exact");
      }
    }

    /** The default windows; p = 12; sketches, unverified. */
    public static Settings defaults() {
      return new Settings(SketchWindows.defaults(), 12, false, false, null);
    }
  }

  /**
   * The job's output streams. Tumbling windows: {@code lateEvents}, and {@code latePartials} unless exact. Sliding
   * windows: instead the late (view, window) pairs of the per-page and of the global windows.
   */
  public record Results(
      DataStream<UniqueVisitors> perPage,
      DataStream<UniqueVisitors> global,
      DataStream<ClickEvent> lateEvents,
      DataStream<WindowPartial<HyperLogLog>> latePartials,
      DataStream<LateEvent> lateForSliding,
      DataStream<LateEvent> lateForSlidingGlobal) {}

  /** Wires the pipeline from events (with timestamps and watermarks) to results, with no source and no sink. */
  public static Results build(DataStream<ClickEvent> events, Settings settings) {
    DataStream<ClickEvent> views =
        EventTime.views(events, NAME);
    if (settings.slide() != null) {
      return buildSliding(views, settings);
    }
    return settings.exact() ? buildExact(views, settings) : buildSketches(views, settings);
  }

  /**
   * {@code --slide}: per page, and keyed by {@value UniqueVisitors#ALL_PAGES} over all pages, a sketch per sliding
   * window merged from shared panes. Each window operator decides lateness by its own watermark, so each has its
   * late output.
   */
  private static Results buildSliding(DataStream<ClickEvent> views, Settings settings) {
    SingleOutputStreamOperator<UniqueVisitors> perPage =
        slidingUsers(views.keyBy(event -> event.pageId, Types.STRING), "per-page-sliding", settings);
    SingleOutputStreamOperator<UniqueVisitors> global =
        slidingUsers(views.keyBy(event -> UniqueVisitors.ALL_PAGES, Types.STRING), "global-sliding", settings);
    return new Results(
        perPage,
        global,
        null,
        null,
        perPage.getSideOutput(LateWindowRouter.LATE_WINDOWS),
        global.getSideOutput(LateWindowRouter.LATE_WINDOWS));
  }

  private static SingleOutputStreamOperator<UniqueVisitors> slidingUsers(
      KeyedStream<ClickEvent, String> views, String name, Settings settings) {
    return settings.windows().slidingPanes(
        views,
        NAME + "/" + name,
        settings.slide(),
        new HyperLogLogAggregate<>(event -> event.userId, settings.precision()),
        HyperLogLogSerializer.INSTANCE,
        new ToUniqueVisitors(),
        TypeInformation.of(UniqueVisitors.class));
  }

  private static Results buildSketches(DataStream<ClickEvent> views, Settings settings) {
    HyperLogLogAggregate<ClickEvent> users = new HyperLogLogAggregate<>(event -> event.userId, settings.precision());
    TypeInformation<HyperLogLog> sketchType = HyperLogLogAggregate.ACCUMULATOR_TYPE;
    SingleOutputStreamOperator<WindowPartial<HyperLogLog>> partials =
        LocalGlobalAggregation.localPartials(
            views,
            NAME + "/local-sketches",
            event -> event.pageId,
            TumblingEventTimeWindows.of(settings.windows().window()),
            settings.windows().allowedLateness(),
            users,
            sketchType,
            settings.windows().maxPartials(),
            SideOutputs.LATE_EVENTS,
            UniqueVisitors.ALL_PAGES);
    SingleOutputStreamOperator<UniqueVisitors> perPage =
        LocalGlobalAggregation.mergePartialsInPanes(
            LocalGlobalAggregation.perKeyPartials(partials, NAME + "/per-page-partials"),
            NAME + "/per-page-window",
            partial -> partial.key,
            settings.windows().window(),
            settings.windows().allowedLateness(),
            users,
            sketchType,
            new ToUniqueVisitors(),
            TypeInformation.of(UniqueVisitors.class),
            settings.windows().maxPartials());
    // One partial per subtask, window and flush: the global window's one subtask merges a few, not one per page.
    SingleOutputStreamOperator<UniqueVisitors> global =
        LocalGlobalAggregation.mergePartialsInPanes(
            LocalGlobalAggregation.allKeysPartials(partials, NAME + "/all-pages-partials"),
            NAME + "/global-window",
            partial -> UniqueVisitors.ALL_PAGES,
            settings.windows().window(),
            settings.windows().allowedLateness(),
            users,
            sketchType,
            new ToUniqueVisitors(),
            TypeInformation.of(UniqueVisitors.class),
            settings.windows().maxPartials());
    DataStream<UniqueVisitors> perPageResults = perPage;
    DataStream<UniqueVisitors> globalResults = global;
    if (settings.verify()) {
      UniqueVisitorsVerifier.Verified verified =
          UniqueVisitorsVerifier.verify(
              NAME,
              views,
              perPage,
              global,
              settings.windows().window(),
              settings.windows().allowedLateness(),
              settings.precision(),
              settings.windows().maxPartials());
      perPageResults = verified.perPage();
      globalResults = verified.global();
    }
    return new Results(
        perPageResults,
        globalResults,
        partials.getSideOutput(SideOutputs.LATE_EVENTS),
        perPage
            .getSideOutput(LocalGlobalAggregation.latePartials(sketchType))
            .union(global.getSideOutput(LocalGlobalAggregation.latePartials(sketchType))),
        null,
        null);
  }

  private static Results buildExact(DataStream<ClickEvent> views, Settings settings) {
    long window = settings.windows().window().toMillis();
    long lateness = settings.windows().allowedLateness().toMillis();
    SingleOutputStreamOperator<ClickEvent> onTime =
        views
            .process(new TumblingLateEvents(window, lateness), TypeInformation.of(ClickEvent.class))
            .uid(NAME + "/exact-late-events")
            .name("exact-late-events");
    SingleOutputStreamOperator<UniqueVisitors> perPage = exactCounts(onTime, window, lateness, false, "exact-per-page");
    SingleOutputStreamOperator<UniqueVisitors> global = exactCounts(onTime, window, lateness, true, "exact-global");
    return new Results(
        perPage,
        global,
        onTime
            .getSideOutput(SideOutputs.LATE_EVENTS)
            .union(
                perPage.getSideOutput(SideOutputs.LATE_EVENTS), global.getSideOutput(SideOutputs.LATE_EVENTS)),
        null,
        null,
        null);
  }

  private static SingleOutputStreamOperator<UniqueVisitors> exactCounts(
      DataStream<ClickEvent> views, long window, long lateness, boolean global, String name) {
    return views
        .keyBy(event -> ExactDistinctUsers.key(event, window, global), Types.STRING)
        .process(new ExactDistinctUsers(window, lateness, global), TypeInformation.of(UniqueVisitors.class))
        .uid(NAME + "/" + name)
        .name(name);
  }

  /** A window's sketch as a record: the estimate and its 3σ bounds. */
  static final class ToUniqueVisitors implements WindowResult<String, HyperLogLog, UniqueVisitors> {
    private static final long serialVersionUID = 1L;

    @Override
    public UniqueVisitors result(String page, TimeWindow window, HyperLogLog sketch, int firing) {
      return new UniqueVisitors(
          page,
          window.getStart(),
          window.getEnd(),
          Math.round(sketch.estimate()),
          (long) Math.floor(sketch.lowerBound(3)),
          (long) Math.ceil(sketch.upperBound(3)),
          firing);
    }
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String summary() {
    return "distinct users (HyperLogLog) per page and over all pages per event-time window";
  }

  @Override
  public OptionSet options() {
    return new OptionSet()
        .addAll(CommonOptions.INPUT)
        .addAll(CommonOptions.GENERATOR)
        .addAll(SketchWindows.OPTIONS)
        .add(SketchWindows.SLIDE)
        .add(Option.value("precision", "p", "12", "HyperLogLog precision: 2^p registers, error about 1.04/sqrt(2^p)"))
        .add(Option.flag("exact", "count exactly (a MapState of users per page and window) instead, for comparison"))
        .add(Option.flag("verify", "add the exact count and a DataSketches HLL estimate to each result"))
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
                    args.intValue("precision", HyperLogLog.MIN_PRECISION, HyperLogLog.MAX_PRECISION),
                    args.flag("exact"),
                    args.flag("verify"),
                    SketchWindows.slide(args)));
    JobRun job = JobRun.start(NAME, args, settings.windows().watermarks());
    Results results = build(job.events(), settings);
    job.write(results.perPage(), PER_PAGE);
    job.write(results.global(), GLOBAL);
    if (settings.slide() != null) {
      job.write(results.lateForSliding(), LATE_SLIDING);
      job.write(results.lateForSlidingGlobal(), LATE_SLIDING_GLOBAL);
      return job.execute(out);
    }
    job.write(results.lateEvents(), LATE_EVENTS);
    if (!settings.exact()) {
      job.write(results.latePartials(), LATE_PARTIALS);
    }
    return job.execute(out);
  }
}
