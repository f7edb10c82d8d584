package io.streamsketch.jobs.windowedcounts;

import io.streamsketch.flink.io.SideOutputs;
import io.streamsketch.flink.window.CountAggregate;
import io.streamsketch.flink.window.LateWindowRecord;
import io.streamsketch.flink.window.LateWindowRouter;
import io.streamsketch.flink.window.PaneWindowOperator;
import io.streamsketch.flink.window.PaneWindows;
import io.streamsketch.jobs.cli.Option;
import io.streamsketch.jobs.cli.OptionSet;
import io.streamsketch.jobs.cli.ParsedArgs;
import io.streamsketch.jobs.runtime.CommonOptions;
import io.streamsketch.jobs.runtime.EventTime;
import io.streamsketch.jobs.runtime.JobCommand;
import io.streamsketch.jobs.runtime.JobRun;
import io.streamsketch.model.ClickEvent;
import io.streamsketch.model.LateEvent;
import io.streamsketch.model.PageWindowCount;
import java.io.PrintStream;
import java.time.Duration;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * {@code windowed-counts}: views per page in tumbling and sliding event-time windows.
 *
 * <p>Watermarks trail the largest event time by the out-of-orderness bound. A window fires when the watermark
 * passes its end; each later event within the allowed lateness fires it again with the updated count and the next
 * firing number. Events later than that go to a late output per window kind, counted and written: a tumbling
 * window's late event is late for its one window; a sliding window's late record names the window it missed, since an
 * event can be late for its older sliding window and counted in the newer one.
 *
 * <p>Both window kinds run on {@link PaneWindowOperator}: each view adds one to its page's pane (gcd of size and
 * slide) in memory, keyed state sees one write per (page, pane) and flush, and a sliding window's count is the sum of
 * its panes.
 */
public final class WindowedCountsJob implements JobCommand {
  public static final String NAME = "windowed-counts";

  static final String TUMBLING = "tumbling-counts";
  static final String SLIDING = "sliding-counts";
  static final String LATE_TUMBLING = "late-tumbling";
  static final String LATE_SLIDING = "late-sliding";
  /** The (page, pane) counts each subtask of a window holds in memory before it writes them all to keyed state. */
  static final int MAX_HELD_PANES = 10_000;

  /** The job's parameters. */
  public record Settings(
      Duration tumblingSize,
      Duration slidingSize,
      Duration slide,
      Duration allowedLateness,
      Duration outOfOrderness,
      Duration idleness) {

    public Settings {
      if (slide.compareTo(slidingSize) > 0) {
        throw new IllegalArgumentException(
            "the slide (" + slide + ") must not be longer than the sliding window (" + slidingSize + ")");
      }
    }

    /** 1 min tumbling; 10 min sliding by 5 min; 1 min allowed lateness; 2 s out-of-orderness; 30 s idleness. */
    public static Settings defaults() {
      return new Settings(
          Duration.ofMinutes(1),
          Duration.ofMinutes(10),
          Duration.ofMinutes(5),
          Duration.ofMinutes(1),
          Duration.ofSeconds(2),
          Duration.ofSeconds(30));
    }
  }

  /** The job's output streams. */
  public record Results(
      DataStream<PageWindowCount> tumbling,
      DataStream<PageWindowCount> sliding,
      DataStream<ClickEvent> lateForTumbling,
      DataStream<LateEvent> lateForSliding) {}

  /** Wires the pipeline from events (with timestamps and watermarks) to results, with no source and no sink. */
  public static Results build(DataStream<ClickEvent> events, Settings settings) {
    // One keyed exchange feeds both windows, chained in one task behind it: each view crosses the network and is
    // deserialized once, not once per window.
    KeyedStream<ClickEvent, String> viewsByPage =
        DataStreamUtils.reinterpretAsKeyedStream(
            EventTime.views(events, NAME)
                .keyBy(event -> event.pageId, TypeInformation.of(String.class))
                // 0.1.0 had a keyed late-window router here; its savepoints hold (empty) keyed state of that uid, so
                // a pass-through keeps the uid and those savepoints restore without dropping anything.
                .process(new FormerLateWindowRouter(), TypeInformation.of(ClickEvent.class))
                .uid(NAME + "/sliding-late-windows")
                .name("views-by-page"),
            event -> event.pageId,
            TypeInformation.of(String.class));
    // One window per event: its late record is the event itself.
    SingleOutputStreamOperator<PageWindowCount> tumbling =
        countViews(
            viewsByPage,
            PaneWindows.tumbling(settings.tumblingSize()),
            settings,
            SideOutputs.LATE_EVENTS,
            (event, window) -> event,
            "tumbling-window");
    // An event can be late for its older sliding window and counted in the newer one: a late record names its window.
    SingleOutputStreamOperator<PageWindowCount> sliding =
        countViews(
            viewsByPage,
            PaneWindows.sliding(settings.slidingSize(), settings.slide()),
            settings,
            LateWindowRouter.LATE_WINDOWS,
            LateWindowRecord.lateEvent(),
            "sliding-window");
    return new Results(
        tumbling,
        sliding,
        tumbling.getSideOutput(SideOutputs.LATE_EVENTS),
        sliding.getSideOutput(LateWindowRouter.LATE_WINDOWS));
  }

  /**
   * Views per page over shared panes. The uids are those of the window operators of release 0.1.0, whose state this
   * operator reads ({@code readsWindowOperatorContents}): their savepoints restore, and their windows keep counting.
   */
  private static <L> SingleOutputStreamOperator<PageWindowCount> countViews(
      KeyedStream<ClickEvent, String> viewsByPage,
      PaneWindows windows,
      Settings settings,
      OutputTag<L> lateOutput,
      LateWindowRecord<ClickEvent, L> lateRecord,
      String name) {
    return viewsByPage
        .transform(
            name,
            TypeInformation.of(PageWindowCount.class),
            new PaneWindowOperator<String, ClickEvent, Long, PageWindowCount, L>(
                windows,
                settings.allowedLateness(),
                new CountAggregate<>(),
                LongSerializer.INSTANCE,
                (page, window, views, firing) ->
                    new PageWindowCount(page, window.getStart(), window.getEnd(), views, firing),
                lateOutput,
                lateRecord,
                MAX_HELD_PANES,
                true))
        .uid(NAME + "/" + name)
        .name(name);
  }

  /** Passes every view on: the place of 0.1.0's late-window router, whose work the pane operator now does. */
  private static final class FormerLateWindowRouter extends KeyedProcessFunction<String, ClickEvent, ClickEvent> {
    private static final long serialVersionUID = 1L;

    @Override
    public void processElement(ClickEvent view, Context context, Collector<ClickEvent> out) {
      out.collect(view);
    }
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String summary() {
    return "views per page in tumbling and sliding event-time windows, with late updates and a late output";
  }

  @Override
  public OptionSet options() {
    return new OptionSet()
        .addAll(CommonOptions.INPUT)
        .addAll(CommonOptions.GENERATOR)
        .add(Option.value("tumbling-window", "duration", "1m", "tumbling window size"))
        .add(Option.value("sliding-window", "duration", "10m", "sliding window size"))
        .add(Option.value("slide", "duration", "5m", "sliding window slide"))
        .add(Option.value("allowed-lateness", "duration", "1m", "late events within this update their window"))
        .add(Option.value("out-of-orderness", "duration", "2s", "how far the watermark trails the largest event time"))
        .add(Option.value("idleness", "duration", "30s", "a source split silent this long stops holding the watermark"))
        .addAll(CommonOptions.RUNTIME);
  }

  @Override
  public int run(ParsedArgs args, PrintStream out) throws Exception {
    Settings settings =
        JobRun.settings(
            NAME,
            () ->
                new Settings(
                    args.duration("tumbling-window"),
                    args.duration("sliding-window"),
                    args.duration("slide"),
                    args.nonNegativeDuration("allowed-lateness"),
                    args.nonNegativeDuration("out-of-orderness"),
                    args.duration("idleness")));
    JobRun job = JobRun.start(NAME, args, new EventTime.Watermarks(settings.outOfOrderness(), settings.idleness()));
    Results results = build(job.events(), settings);
    job.write(results.tumbling(), TUMBLING);
    job.write(results.sliding(), SLIDING);
    job.write(results.lateForTumbling(), LATE_TUMBLING);
    job.write(results.lateForSliding(), LATE_SLIDING);
    return job.execute(out);
  }
}
