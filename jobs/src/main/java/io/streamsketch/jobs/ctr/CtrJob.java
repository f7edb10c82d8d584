package io.streamsketch.jobs.ctr;

import io.streamsketch.flink.io.SideOutputs;
import io.streamsketch.flink.join.AdCtrWindows;
import io.streamsketch.flink.join.AdEventRouter;
import io.streamsketch.flink.join.FirstClickPerImpression;
import io.streamsketch.flink.join.PairImpressionWithClick;
import io.streamsketch.flink.join.UnmatchedClicks;
import io.streamsketch.flink.join.WriteBackIntervalJoinOperator;
import io.streamsketch.flink.state.WriteBackKeyedCoProcessOperator;
import io.streamsketch.flink.state.WriteBackKeyedProcessOperator;
import io.streamsketch.jobs.cli.Option;
import io.streamsketch.jobs.cli.OptionSet;
import io.streamsketch.jobs.cli.ParsedArgs;
import io.streamsketch.jobs.runtime.CommonOptions;
import io.streamsketch.jobs.runtime.EventTime;
import io.streamsketch.jobs.runtime.JobCommand;
import io.streamsketch.jobs.runtime.JobRun;
import io.streamsketch.model.AdCtr;
import io.streamsketch.model.ClickEvent;
import io.streamsketch.model.ImpressionClick;
import java.io.PrintStream;
import java.time.Duration;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * {@code ctr}: click-through rate per ad per event-time window. An impression is clicked if at least one click of
 * the same user and ad falls within [0, click-within] after it ({@code intervalJoin}); each impression counts once,
 * however many clicks follow it, and a click may make several impressions clicked. Windows are of impression time.
 * Clicks that follow no impression go to {@code unmatched-clicks}; ad events behind the watermark to
 * {@code late-events}.
 */
public final class CtrJob implements JobCommand {
  public static final String NAME = "ctr";

  static final String AD_CTR = "ad-ctr";
  static final String UNMATCHED_CLICKS = "unmatched-clicks";
  static final String LATE_EVENTS = "late-events";

  /** The keys whose state a subtask of each keyed operator holds in memory before it writes them all. */
  static final int MAX_HELD_KEYS = 50_000;

  /** The job's parameters. */
  public record Settings(Duration window, Duration clickWithin, Duration outOfOrderness, Duration idleness) {

    /** 1 h windows; clicks within 10 min of the impression; 1 min out-of-orderness; 30 s idleness. */
    public static Settings defaults() {
      return new Settings(Duration.ofHours(1), Duration.ofMinutes(10), Duration.ofMinutes(1), Duration.ofSeconds(30));
    }
  }

  /** The job's output streams. */
  public record Results(DataStream<AdCtr> adCtr, DataStream<ClickEvent> unmatchedClicks, DataStream<ClickEvent> late) {}

  /** Wires the pipeline from events (with timestamps and watermarks) to results, with no source and no sink. */
  public static Results build(DataStream<ClickEvent> events, Settings settings) {
    SingleOutputStreamOperator<ClickEvent> impressions =
        EventTime.atInputParallelism(
            events
                .process(new AdEventRouter(), TypeInformation.of(ClickEvent.class))
                .uid("ctr/route-ad-events")
                .name("route-ad-events"),
            events);
    DataStream<ClickEvent> clicks = impressions.getSideOutput(AdEventRouter.CLICKS);
    long clickWithin = settings.clickWithin().toMillis();

    // Flink's interval join with its buffers in memory between checkpoints (on RocksDB), under 0.1.0's uid and state.
    DataStream<ImpressionClick> pairs =
        WriteBackIntervalJoinOperator.join(
                impressions.keyBy(CtrJob::userAndAd, Types.STRING),
                clicks.keyBy(CtrJob::userAndAd, Types.STRING),
                Duration.ZERO,
                settings.clickWithin(),
                new PairImpressionWithClick(),
                TypeInformation.of(ImpressionClick.class),
                "interval-join",
                MAX_HELD_KEYS)
            .uid("ctr/interval-join");

    // The three keyed operators below are Flink's, with their state held in memory between checkpoints (on RocksDB).
    DataStream<ImpressionClick> clickedImpressions =
        pairs
            .keyBy(pair -> pair.impressionId, Types.LONG)
            .transform(
                "first-click-per-impression",
                TypeInformation.of(ImpressionClick.class),
                new WriteBackKeyedProcessOperator<>(new FirstClickPerImpression(clickWithin), MAX_HELD_KEYS))
            .uid("ctr/first-click-per-impression");

    DataStream<AdCtr> adCtr =
        impressions
            .connect(clickedImpressions)
            .keyBy(impression -> impression.adId, clicked -> clicked.adId, Types.STRING)
            .transform(
                "ctr-windows",
                TypeInformation.of(AdCtr.class),
                new WriteBackKeyedCoProcessOperator<>(
                    new AdCtrWindows(settings.window().toMillis(), clickWithin), MAX_HELD_KEYS))
            .uid("ctr/ctr-windows");

    DataStream<ClickEvent> unmatchedClicks =
        clicks
            .connect(pairs)
            .keyBy(click -> click.eventId, pair -> pair.clickId, Types.LONG)
            .transform(
                "unmatched-clicks",
                TypeInformation.of(ClickEvent.class),
                new WriteBackKeyedCoProcessOperator<>(new UnmatchedClicks(), MAX_HELD_KEYS))
            .uid("ctr/unmatched-clicks");

    return new Results(adCtr, unmatchedClicks, impressions.getSideOutput(SideOutputs.LATE_EVENTS));
  }

  /** The join key: impressions and clicks match only within one user and one ad. */
  private static String userAndAd(ClickEvent event) {
    return event.userId + "|" + event.adId;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String summary() {
    return "click-through rate per ad per event-time window, from an interval join of impressions and clicks";
  }

  @Override
  public OptionSet options() {
    return new OptionSet()
        .addAll(CommonOptions.INPUT)
        .addAll(CommonOptions.GENERATOR)
        .add(Option.value("window", "duration", "1h", "tumbling window of impression time"))
        .add(
            Option.value(
                "click-within", "duration", "10m", "a click counts for an impression at most this long after it"))
        .add(
            Option.value(
                "out-of-orderness",
                "duration",
                "1m",
                "how far the watermark trails the largest event time; ad events behind it are late"))
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
                    args.duration("window"),
                    args.nonNegativeDuration("click-within"),
                    args.nonNegativeDuration("out-of-orderness"),
                    args.duration("idleness")));
    JobRun job = JobRun.start(NAME, args, new EventTime.Watermarks(settings.outOfOrderness(), settings.idleness()));
    Results results = build(job.events(), settings);
    job.write(results.adCtr(), AD_CTR);
    job.write(results.unmatchedClicks(), UNMATCHED_CLICKS);
    job.write(results.late(), LATE_EVENTS);
    return job.execute(out);
  }
}
