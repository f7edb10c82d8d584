package io.streamsketch.jobs.toppages;

import io.streamsketch.flink.aggregate.HeavyHittersAggregate;
import io.streamsketch.flink.aggregate.LocalGlobalAggregation;
import io.streamsketch.flink.aggregate.NumberedFiringWindowFunction;
import io.streamsketch.flink.aggregate.WindowPartial;
import io.streamsketch.flink.io.SideOutputs;
import io.streamsketch.flink.serde.HeavyHittersSerializer;
import io.streamsketch.flink.window.LateWindowRouter;
import io.streamsketch.flink.window.WindowResult;
import io.streamsketch.flink.window.CountAggregate;
import io.streamsketch.flink.window.PageViewsWindowFunction;
import io.streamsketch.jobs.cli.Option;
import io.streamsketch.jobs.cli.OptionSet;
import io.streamsketch.jobs.cli.ParsedArgs;
import io.streamsketch.jobs.runtime.CommonOptions;
import io.streamsketch.jobs.runtime.EventTime;
import io.streamsketch.jobs.runtime.JobCommand;
import io.streamsketch.jobs.runtime.JobRun;
import io.streamsketch.jobs.runtime.SketchWindows;
import io.streamsketch.jobs.verify.PageViewsCheck;
import io.streamsketch.jobs.verify.TopPagesVerifier;
import io.streamsketch.model.ClickEvent;
import io.streamsketch.model.LateEvent;
import io.streamsketch.model.PageWindowCount;
import io.streamsketch.model.TopPages;
import io.streamsketch.sketch.cms.CountMinSketch;
import io.streamsketch.sketch.cms.HeavyHitters;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;

/**
 * {@code top-pages}: the most viewed pages and the heavy hitters of each tumbling event-time window, from a Count-Min
 * sketch with {@code --top} candidates. Each subtask pre-aggregates one tracker per window in heap ({@link
 * io.streamsketch.flink.aggregate.LocalWindowAggregator}); one keyed window merges the partials of all subtasks.
 * {@code --verify} adds the exact views and a DataSketches frequent-items estimate of each listed page ({@link
 * TopPagesVerifier}). {@code --exact} runs the exact equivalent instead, for comparison: exact views per (page,
 * window) in keyed windows, ranked per window by {@link ExactTopPages}. {@code --slide} slides the windows instead,
 * over shared panes ({@link io.streamsketch.flink.window.PaneWindowOperator}).
 */
public final class TopPagesJob implements JobCommand {
  public static final String NAME = "top-pages";

  static final String TOP_PAGES = "top-pages";
  static final String LATE_EVENTS = "late-events";
  static final String LATE_PARTIALS = "late-partials";
  static final String LATE_SLIDING = "late-sliding";
  private static final String ALL_PAGES = "*";

  /** The job's parameters; {@code slide} null for tumbling windows. */
  public record Settings(
      SketchWindows windows,
      int top,
      double epsilon,
      double delta,
      double heavyFraction,
      boolean exact,
      boolean verify,
      Duration slide) {

    public Settings {
      if (!(heavyFraction > epsilon) || heavyFraction >= 1) {
        throw new IllegalArgumentException(
            "--heavy-fraction must be in (epsilon, 1): " + heavyFraction + " with epsilon " + epsilon);
      }
      if (top <= 1 / (heavyFraction - epsilon)) {
        throw new IllegalArgumentException(
            "--top must exceed 1 / (heavy-fraction - epsilon) = "
                + Math.floor(1 / (heavyFraction - epsilon))
                + " so that every heavy hitter is a candidate: "
                + top);
      }
      new HeavyHittersAggregate<ClickEvent>(event -> event.pageId, top, epsilon, delta, 0); // the sketch's checks
      if (exact && verify) {
        throw new IllegalArgumentException("--exact and --verify exclude each other: --exact is already exact");
      }
      windows.checkSlide(slide, exact, verify);
    }

    /** The default windows; top 20; ε 0.001, δ 0.01; φ 0.1; sketch, unverified. */
    public static Settings defaults() {
      return new Settings(SketchWindows.defaults(), 20, 0.001, 0.01, 0.1, false, false, null);
    }
  }

  /**
   * The job's output streams. Tumbling windows: {@code lateEvents}, and {@code latePartials} unless exact. Sliding
   * windows: instead the late (view, window) pairs.
   */
  public record Results(
      DataStream<TopPages> topPages,
      DataStream<ClickEvent> lateEvents,
      DataStream<WindowPartial<HeavyHitters>> latePartials,
      DataStream<LateEvent> lateForSliding) {}

  /** Wires the pipeline from events (with timestamps and watermarks) to results, with no source and no sink. */
  public static Results build(DataStream<ClickEvent> events, Settings settings) {
    DataStream<ClickEvent> views =
        EventTime.views(events, NAME);
    if (settings.slide() != null) {
      return buildSliding(views, settings);
    }
    return settings.exact() ? buildExact(views, settings) : buildSketches(views, settings);
  }

  private static HeavyHittersAggregate<ClickEvent> pages(Settings settings) {
    return new HeavyHittersAggregate<>(event -> event.pageId, settings.top(), settings.epsilon(), settings.delta(), 0);
  }

  /**
   * {@code --slide}: one tracker per sliding window over all pages, merged from shared panes: the Count-Min counts
   * add exactly, and the candidates are those of the merged panes' trackers.
   */
  private static Results buildSliding(DataStream<ClickEvent> views, Settings settings) {
    SingleOutputStreamOperator<TopPages> top =
        settings.windows().slidingPanes(
            views.keyBy(event -> ALL_PAGES, Types.STRING),
            NAME + "/sliding-window",
            settings.slide(),
            pages(settings),
            HeavyHittersSerializer.INSTANCE,
            new ToTopPages(settings.heavyFraction()),
            TypeInformation.of(TopPages.class));
    return new Results(top, null, null, top.getSideOutput(LateWindowRouter.LATE_WINDOWS));
  }

  private static Results buildSketches(DataStream<ClickEvent> views, Settings settings) {
    HeavyHittersAggregate<ClickEvent> pages = pages(settings);
    TypeInformation<HeavyHitters> trackerType = HeavyHittersAggregate.ACCUMULATOR_TYPE;
    SingleOutputStreamOperator<WindowPartial<HeavyHitters>> partials =
        LocalGlobalAggregation.localPartials(
            views,
            NAME + "/local-sketches",
            event -> ALL_PAGES,
            TumblingEventTimeWindows.of(settings.windows().window()),
            settings.windows().allowedLateness(),
            pages,
            trackerType,
            settings.windows().maxPartials(),
            SideOutputs.LATE_EVENTS);
    SingleOutputStreamOperator<TopPages> top =
        LocalGlobalAggregation.mergePartials(
            partials,
            NAME + "/window",
            partial -> ALL_PAGES,
            settings.windows().allowedLateness(),
            pages,
            trackerType,
            new ToTopPages(settings.heavyFraction()),
            TypeInformation.of(TopPages.class));
    DataStream<TopPages> results = top;
    if (settings.verify()) {
      // The frequent-items map gets as many slots as the Count-Min sketch has counters: comparable memory.
      CountMinSketch sketch = pages.createAccumulator().sketch();
      long counters = (long) sketch.width() * sketch.depth();
      results =
          TopPagesVerifier.verify(
              NAME,
              views,
              top,
              settings.windows().window(),
              settings.windows().allowedLateness(),
              PageViewsCheck.mapSizeFor(counters),
              settings.windows().maxPartials());
    }
    return new Results(
        results,
        partials.getSideOutput(SideOutputs.LATE_EVENTS),
        top.getSideOutput(LocalGlobalAggregation.latePartials(trackerType)),
        null);
  }

  /**
   * Exact views per (page, window) in keyed windows with the sketch job's lateness, then the top pages per window
   * keyed by window start rather than in a {@code windowAll}: a late firing updates one page, and keyed state holds
   * each page's latest count to re-rank with, where a {@code windowAll} would keep every firing in a list, at
   * parallelism 1.
   */
  private static Results buildExact(DataStream<ClickEvent> views, Settings settings) {
    SingleOutputStreamOperator<PageWindowCount> pageViews =
        views
            .keyBy(event -> event.pageId, Types.STRING)
            .window(TumblingEventTimeWindows.of(settings.windows().window()))
            .allowedLateness(settings.windows().allowedLateness())
            .sideOutputLateData(SideOutputs.LATE_EVENTS)
            .aggregate(
                new CountAggregate<>(),
                new PageViewsWindowFunction(),
                Types.LONG,
                Types.LONG,
                TypeInformation.of(PageWindowCount.class))
            .uid(NAME + "/exact-page-views")
            .name("exact-page-views");
    SingleOutputStreamOperator<TopPages> top =
        pageViews
            .keyBy(count -> count.windowStart, Types.LONG)
            .process(
                new ExactTopPages(
                    settings.windows().window().toMillis(), settings.windows().allowedLateness().toMillis(), settings.top(),
                    settings.heavyFraction()),
                TypeInformation.of(TopPages.class))
            .uid(NAME + "/exact-top-pages")
            .name("exact-top-pages");
    return new Results(top, pageViews.getSideOutput(SideOutputs.LATE_EVENTS), null, null);
  }

  /** A window's tracker as a record: the candidates by estimate, the ε·N bound and the heavy-hitter threshold. */
  static final class ToTopPages extends NumberedFiringWindowFunction<HeavyHitters, TopPages>
      implements WindowResult<String, HeavyHitters, TopPages> {
    private static final long serialVersionUID = 1L;

    private final double heavyFraction;

    ToTopPages(double heavyFraction) {
      this.heavyFraction = heavyFraction;
    }

    @Override
    public TopPages result(String key, TimeWindow window, HeavyHitters tracker, int firing) {
      List<HeavyHitters.Entry> top = tracker.topK();
      String[] pageIds = new String[top.size()];
      long[] estimates = new long[top.size()];
      for (int i = 0; i < top.size(); i++) {
        pageIds[i] = top.get(i).item();
        estimates[i] = top.get(i).estimate();
      }
      return new TopPages(
          window.getStart(),
          window.getEnd(),
          tracker.totalCount(),
          tracker.sketch().errorBound(),
          tracker.sketch().confidence(),
          heavyFraction * tracker.totalCount(),
          firing,
          pageIds,
          estimates);
    }
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String summary() {
    return "most viewed pages and heavy hitters per event-time window (Count-Min), with the ±ε·N bound";
  }

  @Override
  public OptionSet options() {
    return new OptionSet()
        .addAll(CommonOptions.INPUT)
        .addAll(CommonOptions.GENERATOR)
        .addAll(SketchWindows.OPTIONS)
        .add(SketchWindows.SLIDE)
        .add(Option.value("top", "k", "20", "pages listed per window (the heavy-hitter candidates)"))
        .add(Option.value("epsilon", "ε", "0.001", "Count-Min error: estimates exceed true views by at most ε·N"))
        .add(Option.value("delta", "δ", "0.01", "Count-Min failure probability per estimate"))
        .add(Option.value("heavy-fraction", "φ", "0.1", "pages with at least φ·N views are heavy hitters"))
        .add(Option.flag("exact", "count every page's views exactly (keyed windows) and rank them instead, for comparison"))
        .add(Option.flag("verify", "add exact views and a DataSketches frequent-items estimate to each listed page"))
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
                    args.intValue("top", 1, HeavyHitters.MAX_CAPACITY),
                    args.fraction("epsilon", 0, 1),
                    args.fraction("delta", 0, 1),
                    args.fraction("heavy-fraction", 0, 1),
                    args.flag("exact"),
                    args.flag("verify"),
                    SketchWindows.slide(args)));
    JobRun job = JobRun.start(NAME, args, settings.windows().watermarks());
    Results results = build(job.events(), settings);
    job.write(results.topPages(), TOP_PAGES);
    if (settings.slide() != null) {
      job.write(results.lateForSliding(), LATE_SLIDING);
      return job.execute(out);
    }
    job.write(results.lateEvents(), LATE_EVENTS);
    if (!settings.exact()) {
      job.write(results.latePartials(), LATE_PARTIALS);
    }
    return job.execute(out);
  }
}
