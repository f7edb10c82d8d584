package io.streamsketch.jobs.delayquantiles;

import io.streamsketch.flink.aggregate.KllAggregate;
import io.streamsketch.flink.aggregate.LocalGlobalAggregation;
import io.streamsketch.flink.aggregate.NumberedFiringWindowFunction;
import io.streamsketch.flink.aggregate.WindowPartial;
import io.streamsketch.flink.io.ClickstreamSource;
import io.streamsketch.flink.window.SplitDelays;
import io.streamsketch.jobs.cli.Option;
import io.streamsketch.jobs.cli.OptionSet;
import io.streamsketch.jobs.cli.ParsedArgs;
import io.streamsketch.jobs.runtime.CommonOptions;
import io.streamsketch.jobs.runtime.EventTime;
import io.streamsketch.jobs.runtime.JobCommand;
import io.streamsketch.jobs.runtime.JobRun;
import io.streamsketch.jobs.runtime.SketchWindows;
import io.streamsketch.model.ClickEvent;
import io.streamsketch.model.DelayQuantiles;
import io.streamsketch.model.EventDelay;
import io.streamsketch.sketch.quantiles.KllParameters;
import io.streamsketch.sketch.quantiles.KllSketch;
import java.io.PrintStream;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.OutputTag;
import org.apache.flink.util.function.SerializableFunction;

/**
 * {@code delay-quantiles}: per tumbling window, the p50, p90, p99 and p99.9 (KLL) of how far each event trails the
 * largest event time seen before it on its input split ({@link SplitDelays}), with the count, the maximum and the
 * sketch's rank error; the numbers to choose {@code --out-of-orderness} and {@code --allowed-lateness} by, which the
 * summary of a finished run prints as advice ({@link DelayAdvice}).
 *
 * <p>Windows are of split frontiers (a delay record's time is the largest event time of its split at the event's
 * arrival), so every event counts, however late, in the window its split had reached. Local-global: a {@link
 * io.streamsketch.flink.aggregate.LocalWindowAggregator} folds each subtask's delays into one sketch per window, and a
 * global window merges them.
 */
public final class DelayQuantilesJob implements JobCommand {
  public static final String NAME = "delay-quantiles";

  static final String QUANTILES = "delay-quantiles";
  static final String LATE_DELAYS = "late-delays";
  static final String LATE_PARTIALS = "late-partials";

  /** The one key of the local and global windows: the delays of all splits go into one sketch per window. */
  private static final String ALL_SPLITS = "*";


  /** The job's parameters. */
  public record Settings(SketchWindows windows, int k) {
    public Settings {
      KllParameters.checkK(k);
    }

    /** The default windows; k = 200 (rank error 1.33% at 99% confidence). */
    public static Settings defaults() {
      return new Settings(SketchWindows.defaults(), KllParameters.DEFAULT_K);
    }
  }

  /** The job's output streams. */
  public record Results(
      DataStream<DelayQuantiles> quantiles,
      DataStream<EventDelay> lateDelays,
      DataStream<WindowPartial<KllSketch>> latePartials) {}

  /**
   * Wires the pipeline from events (with timestamps and watermarks, straight from the source) to results.
   *
   * @param split the split of an event, or null for each source reader's (see {@link SplitDelays})
   */
  public static Results build(
      DataStream<ClickEvent> events, SerializableFunction<ClickEvent, String> split, Settings settings) {
    // Delay records whose window is past its allowed lateness: none while every split holds the watermark back.
    // Made here, not in a static field: the CLI loads every job class before it configures logging, and type
    // extraction creates a logger, which would fix log4j's configuration too early.
    OutputTag<EventDelay> late = new OutputTag<>(LATE_DELAYS, TypeInformation.of(EventDelay.class));
    SingleOutputStreamOperator<EventDelay> delays =
        EventTime.atInputParallelism(
            events
                .transform("split-delays", TypeInformation.of(EventDelay.class), new SplitDelays(split))
                .uid(NAME + "/split-delays"),
            events);
    DataStream<EventDelay> counted =
        EventTime.atInputParallelism(
            delays.map(new DelayAdvice.Collect(settings.k())).uid(NAME + "/run-delays").name("run-delays"), delays);
    KllAggregate<EventDelay> sketch =
        new KllAggregate<>(delay -> (double) delay.delay, settings.k(), KllSketch.DEFAULT_SEED);
    SingleOutputStreamOperator<WindowPartial<KllSketch>> partials =
        LocalGlobalAggregation.localPartials(
            counted,
            NAME + "/local-sketches",
            delay -> ALL_SPLITS,
            TumblingEventTimeWindows.of(settings.windows().window()),
            settings.windows().allowedLateness(),
            sketch,
            KllAggregate.ACCUMULATOR_TYPE,
            settings.windows().maxPartials(),
            late);
    SingleOutputStreamOperator<DelayQuantiles> quantiles =
        LocalGlobalAggregation.mergePartials(
            partials,
            NAME + "/window",
            partial -> ALL_SPLITS,
            settings.windows().allowedLateness(),
            sketch,
            KllAggregate.ACCUMULATOR_TYPE,
            new ToDelayQuantiles(),
            TypeInformation.of(DelayQuantiles.class));
    return new Results(
        quantiles,
        partials.getSideOutput(late),
        quantiles.getSideOutput(LocalGlobalAggregation.latePartials(KllAggregate.ACCUMULATOR_TYPE)));
  }

  /**
   * The split of a generated event: its partition of {@link ClickstreamSource} (event i is in partition i mod the
   * partitions). Null, each source reader, for files and Kafka, whose records do not say their split.
   */
  static SerializableFunction<ClickEvent, String> splitOf(ParsedArgs args) {
    boolean generator =
        args.has("source") ? args.string("source").equals("generator") : args.string("input") == null;
    if (!generator) {
      return null;
    }
    int partitions = ClickstreamSource.DEFAULT_PARTITIONS;
    return event -> "generator-" + Math.floorMod(event.eventId, partitions);
  }

  /** A window's sketch as its quantiles. */
  static final class ToDelayQuantiles extends NumberedFiringWindowFunction<KllSketch, DelayQuantiles> {
    private static final long serialVersionUID = 1L;

    @Override
    protected DelayQuantiles result(String key, TimeWindow window, KllSketch sketch, int firing) {
      DelayQuantiles result = new DelayQuantiles();
      result.windowStart = window.getStart();
      result.windowEnd = window.getEnd();
      result.count = sketch.n();
      double[] quantiles = sketch.quantiles(new double[] {0.5, 0.9, 0.99, 0.999});
      result.p50 = (long) quantiles[0];
      result.p90 = (long) quantiles[1];
      result.p99 = (long) quantiles[2];
      result.p999 = (long) quantiles[3];
      result.max = (long) sketch.max();
      result.rankError = sketch.isEstimationMode() ? sketch.normalizedRankError(false) : 0;
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
    return "quantiles (KLL) of how far events trail their split's largest event time, per window, with watermark advice";
  }

  @Override
  public OptionSet options() {
    return new OptionSet()
        .addAll(CommonOptions.INPUT)
        .addAll(CommonOptions.GENERATOR)
        .addAll(SketchWindows.OPTIONS)
        .add(Option.value("k", "n", Integer.toString(KllParameters.DEFAULT_K),
            "KLL k, in [" + KllParameters.MIN_K + ", " + KllParameters.MAX_K + "]: rank error about 1.33% at 200"))
        .addAll(CommonOptions.RUNTIME);
  }

  @Override
  public int run(ParsedArgs args, PrintStream out) throws Exception {
    Settings settings =
        JobRun.settings(
            NAME,
            () -> new Settings(SketchWindows.from(args), args.intValue("k", KllParameters.MIN_K, KllParameters.MAX_K)));
    JobRun job = JobRun.start(NAME, args, settings.windows().watermarks());
    Results results = build(job.events(), splitOf(args), settings);
    job.write(results.quantiles(), QUANTILES);
    job.write(results.lateDelays(), LATE_DELAYS);
    job.write(results.latePartials(), LATE_PARTIALS);
    return job.execute(out, (result, summary) -> DelayAdvice.print(result, settings.windows(), summary));
  }
}
