package io.streamsketch.jobs.hybridcounts;

import io.streamsketch.flink.window.CountAggregate;
import io.streamsketch.flink.io.SideOutputs;
import io.streamsketch.flink.window.PageViewsWindowFunction;
import io.streamsketch.jobs.cli.Option;
import io.streamsketch.jobs.cli.OptionSet;
import io.streamsketch.jobs.cli.ParsedArgs;
import io.streamsketch.jobs.runtime.CommonOptions;
import io.streamsketch.jobs.runtime.EventInput;
import io.streamsketch.jobs.runtime.EventTime;
import io.streamsketch.jobs.runtime.JobCommand;
import io.streamsketch.jobs.runtime.JobRun;
import io.streamsketch.model.ClickEvent;
import io.streamsketch.model.PageWindowCount;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;

/**
 * {@code hybrid-counts}: views per page per tumbling event-time window over historical JSON-lines files followed by a
 * live Kafka topic, with one pipeline and one result. The input ({@link EventInput#hybrid}) is one Flink {@code
 * HybridSource} that reads the files, then the topic, switched at a fixed event time: the files count the events
 * before it, the topic those at or after it, so an event in both is counted once. The windows and the watermark run
 * on across the switch: the window that holds the switch adds the files' last views and the topic's first ones.
 */
public final class HybridCountsJob implements JobCommand {
  public static final String NAME = "hybrid-counts";

  static final String COUNTS = "tumbling-counts";
  static final String LATE = "late-events";

  /** The job's parameters. */
  public record Settings(Duration window, Duration allowedLateness, Duration outOfOrderness, Duration idleness) {
    /** 1 min windows; 1 min allowed lateness; 2 s out-of-orderness; 30 s idleness. */
    public static Settings defaults() {
      return new Settings(Duration.ofMinutes(1), Duration.ofMinutes(1), Duration.ofSeconds(2), Duration.ofSeconds(30));
    }

    EventTime.Watermarks watermarks() {
      return new EventTime.Watermarks(outOfOrderness, idleness);
    }
  }

  /** The job's output streams: the counts (re-fired by late events within the lateness) and the later events. */
  public record Results(DataStream<PageWindowCount> counts, DataStream<ClickEvent> late) {}

  /** Wires the pipeline from events (with timestamps and watermarks) to results, with no source and no sink. */
  public static Results build(DataStream<ClickEvent> events, Settings settings) {
    // Flink's window operator, whose restore across the source's switch HybridInputFailureIT checks; windowed-counts
    // has moved to shared panes, which a tumbling window alone gains little from.
    SingleOutputStreamOperator<PageWindowCount> counts =
        EventTime.views(events, NAME)
            .keyBy(event -> event.pageId, TypeInformation.of(String.class))
            .window(TumblingEventTimeWindows.of(settings.window()))
            .allowedLateness(settings.allowedLateness())
            .sideOutputLateData(SideOutputs.LATE_EVENTS)
            .aggregate(
                new CountAggregate<>(),
                new PageViewsWindowFunction(),
                TypeInformation.of(Long.class),
                TypeInformation.of(Long.class),
                TypeInformation.of(PageWindowCount.class))
            .uid(NAME + "/tumbling-window")
            .name("tumbling-window");
    return new Results(counts, counts.getSideOutput(SideOutputs.LATE_EVENTS));
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String summary() {
    return "views per page per tumbling window over history files, then a live Kafka topic, switched at a fixed time";
  }

  @Override
  public OptionSet options() {
    return new OptionSet()
        .add(Option.value("input", "path", null, "the history: a JSON-lines file or a folder of them (required)"))
        .add(Option.value("bootstrap-servers", "host:port,...", null, "Kafka brokers of the live topic (required)"))
        .add(Option.value("topic", "name", null, "the live data: a Kafka topic of JSON events (required)"))
        .add(Option.value("group-id", "id", null, "Kafka consumer group (default: streamsketch-hybrid-counts)"))
        .add(
            Option.value(
                "switch-at",
                "epoch-ms|ISO-8601",
                null,
                "event time of the switch: files count events before it, the topic those at or after it"
                    + " (default: the files' largest event time + 1 ms)"))
        .add(
            Option.value(
                "switch-lookback",
                "duration",
                "1h",
                "read the topic from records whose Kafka timestamp is at or after the switch minus this"))
        .add(Option.flag("bounded", "stop at the topic's end offsets as of the switch, then print the summary"))
        .add(Option.value("window", "duration", "1m", "tumbling window size"))
        .add(Option.value("allowed-lateness", "duration", "1m", "late events within this update their window"))
        .add(Option.value("out-of-orderness", "duration", "2s", "how far the watermark trails the largest event time"))
        .add(Option.value("idleness", "duration", "30s", "a file or partition silent this long stops holding the watermark"))
        .addAll(CommonOptions.RUNTIME);
  }

  @Override
  public int run(ParsedArgs args, PrintStream out) throws Exception {
    Settings settings =
        JobRun.settings(
            NAME,
            () ->
                new Settings(
                    args.duration("window"),
                    args.nonNegativeDuration("allowed-lateness"),
                    args.nonNegativeDuration("out-of-orderness"),
                    args.duration("idleness")));
    EventInput input = EventInput.hybrid(NAME, args);
    JobRun job = JobRun.start(NAME, args, input, settings.watermarks());
    // The switch to give with --switch-at when this run is resumed after more files arrived.
    out.printf(
        "%s switches from the files to the topic at event time %d (%s)%n",
        NAME, input.switchAt(), Instant.ofEpochMilli(input.switchAt()));
    Results results = build(job.events(), settings);
    job.write(results.counts(), COUNTS);
    job.write(results.late(), LATE);
    return job.execute(out);
  }
}
