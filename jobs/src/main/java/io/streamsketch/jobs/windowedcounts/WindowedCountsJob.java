package io.streamsketch.jobs.windowedcounts;

import io.streamsketch.flink.io.SideOutputs;
import io.streamsketch.flink.window.CountAggregate;
import io.streamsketch.flink.window.LateWindowRouter;
import io.streamsketch.flink.window.PageViewsWindowFunction;
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
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.datastream.WindowedStream;
import org.apache.flink.streaming.api.windowing.assigners.SlidingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.assigners.WindowAssigner;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;

/**
 * {@code windowed-counts}: views per page in tumbling and sliding event-time windows.
 *
 * <p>Watermarks trail the largest event time by the out-of-orderness bound. A window fires when the watermark
 * passes its end; each later event within the allowed lateness fires it again with the updated count and the next
 * firing number. Events later than that go to a late output per window kind, counted and written: a tumbling
 * window's late event is late for its one window; a sliding window's late record names the window it missed, since an
 * event can be late for its older sliding window and counted in the newer one ({@link LateWindowRouter}).
 */
public final class WindowedCountsJob implements JobCommand {
  public static final String NAME = "windowed-counts";

  static final String TUMBLING = "tumbling-counts";
  static final String SLIDING = "sliding-counts";
  static final String LATE_TUMBLING = "late-tumbling";
  static final String LATE_SLIDING = "late-sliding";

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
    KeyedStream<ClickEvent, String> viewsByPage =
        EventTime.views(events, NAME)
            .keyBy(event -> event.pageId, TypeInformation.of(String.class));

    // One window per event: Flink's late output (late for all its windows) is exactly the late (event, window) pairs.
    SingleOutputStreamOperator<PageWindowCount> tumbling =
        countViews(
            viewsByPage
                .window(TumblingEventTimeWindows.of(settings.tumblingSize()))
                .allowedLateness(settings.allowedLateness())
                .sideOutputLateData(SideOutputs.LATE_EVENTS),
            "tumbling-window");

    // Two windows per event (with the default slide): the router writes a late record for each window that the
    // window operator will skip, on the same keyed stream so that it sees that operator's watermark.
    WindowAssigner<Object, TimeWindow> slidingWindows =
        SlidingEventTimeWindows.of(settings.slidingSize(), settings.slide());
    SingleOutputStreamOperator<ClickEvent> onTimeForSliding =
        viewsByPage
            .process(
                new LateWindowRouter<String>(slidingWindows, settings.allowedLateness()),
                TypeInformation.of(ClickEvent.class))
            .uid(NAME + "/sliding-late-windows")
            .name("sliding-late-windows");
    SingleOutputStreamOperator<PageWindowCount> sliding =
        countViews(
            DataStreamUtils.reinterpretAsKeyedStream(
                    onTimeForSliding, event -> event.pageId, TypeInformation.of(String.class))
                .window(slidingWindows)
                .allowedLateness(settings.allowedLateness()),
            "sliding-window");
    return new Results(
        tumbling,
        sliding,
        tumbling.getSideOutput(SideOutputs.LATE_EVENTS),
        onTimeForSliding.getSideOutput(LateWindowRouter.LATE_WINDOWS));
  }

  private static SingleOutputStreamOperator<PageWindowCount> countViews(
      WindowedStream<ClickEvent, String, TimeWindow> windows, String name) {
    return countViews(windows, NAME, name);
  }

  /**
   * The views per page of {@code windows}, aggregated incrementally (a window's state is one count), as the operator
   * {@code name} with the uid {@code <job>/<name>}.
   */
  public static SingleOutputStreamOperator<PageWindowCount> countViews(
      WindowedStream<ClickEvent, String, TimeWindow> windows, String job, String name) {
    return windows
        .aggregate(
            new CountAggregate<>(),
            new PageViewsWindowFunction(),
            TypeInformation.of(Long.class),
            TypeInformation.of(Long.class),
            TypeInformation.of(PageWindowCount.class))
        .uid(job + "/" + name)
        .name(name);
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
