package io.streamsketch.jobs.firstexposure;

import io.streamsketch.flink.membership.ExactFirstExposure;
import io.streamsketch.flink.membership.FirstExposureOperator;
import io.streamsketch.jobs.cli.Option;
import io.streamsketch.jobs.cli.OptionSet;
import io.streamsketch.jobs.cli.ParsedArgs;
import io.streamsketch.jobs.runtime.CommonOptions;
import io.streamsketch.jobs.runtime.JobCommand;
import io.streamsketch.jobs.runtime.JobRun;
import io.streamsketch.jobs.verify.FirstExposureVerifier;
import io.streamsketch.model.AdExposure;
import io.streamsketch.model.ClickEvent;
import io.streamsketch.model.EventKind;
import io.streamsketch.sketch.bloom.BloomFilter;
import java.io.PrintStream;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * {@code first-exposure}: for each ad impression, whether the user has probably seen the ad before.
 *
 * <p>Keyed by ad, a {@link FirstExposureOperator} keeps a rotating pair of Bloom filters of user ids per ad, cached
 * on the heap and written back to keyed state on each checkpoint. "Before" means earlier in arrival order at the
 * operator, which is the input's order per ad when the events of an ad come from one source split. {@code --exact}
 * replaces the sketch by an exact {@code MapState} of users (the benchmark's baseline); {@code --verify} adds the exact
 * answer and a DataSketches Bloom filter's answer to each record.
 */
public final class FirstExposureJob implements JobCommand {
  public static final String NAME = "first-exposure";

  static final String EXPOSURES = "ad-exposures";

  /** The hash seed of the filters: fixed, so a restored filter and a new one hash users alike. */
  public static final long HASH_SEED = 0x5EED_F1257L;

  /**
   * The job's parameters.
   *
   * @param capacity distinct users per generation of an ad's filter
   * @param falsePositiveRate the design false-positive rate of a full generation
   * @param cachedAds how many ads' filters each subtask keeps on the heap between checkpoints
   * @param exact answer exactly from a set of users per ad instead of the filters
   * @param verify add the exact and the DataSketches answers to each record
   */
  public record Settings(long capacity, double falsePositiveRate, int cachedAds, boolean exact, boolean verify) {
    public Settings {
      if (capacity < 1) {
        throw new IllegalArgumentException("the capacity must be at least 1 user: " + capacity);
      }
      if (!(falsePositiveRate > 0 && falsePositiveRate < 1)) {
        throw new IllegalArgumentException("the false-positive rate must be in (0, 1): " + falsePositiveRate);
      }
      if (cachedAds < 1) {
        throw new IllegalArgumentException("the cache must hold at least 1 ad: " + cachedAds);
      }
      if (exact && verify) {
        throw new IllegalArgumentException("--exact and --verify exclude each other: --exact is already exact");
      }
      BloomFilter.optimalNumHashes(capacity, BloomFilter.optimalNumBits(capacity, falsePositiveRate));
    }

    /** 10,000 users per generation at 1%; 1,000 cached ads. */
    public static Settings defaults() {
      return new Settings(10_000, 0.01, 1_000, false, false);
    }

    /** The bytes of one generation of an ad's filter. */
    public long filterBytes() {
      return BloomFilter.optimalNumBits(capacity, falsePositiveRate) / Byte.SIZE;
    }

    /**
     * The heap the filters of one subtask take when its cache is full: two generations per cached ad. (The exact
     * baseline's sets are not bounded: it is a baseline.)
     */
    public long heapBytesPerSubtask() {
      return exact ? 0 : Math.multiplyExact((long) cachedAds, Math.multiplyExact(2, filterBytes()));
    }

    /**
     * Fails unless the filters of {@code parallelism} subtasks fit in half of {@code heapBytes}, the heap they share
     * (the other half is for Flink, the state's copies and serialization).
     *
     * @throws IllegalArgumentException saying how much they would need and which options reduce it
     */
    public void requireHeap(int parallelism, long heapBytes) {
      long needed;
      try {
        needed = Math.multiplyExact(heapBytesPerSubtask(), parallelism);
      } catch (ArithmeticException beyondAnyHeap) {
        needed = Long.MAX_VALUE;
      }
      if (needed > heapBytes / 2) {
        throw new IllegalArgumentException(
            String.format(
                "the Bloom filters may need %s of heap (%d subtask(s) x %,d cached ads x 2 generations x %s at"
                    + " --capacity %d and --fpp %s), more than half of the %s heap; lower --cache-ads or --capacity,"
                    + " raise --fpp, lower --parallelism, or give java more heap (-Xmx)",
                bytes(needed), parallelism, cachedAds, bytes(filterBytes()), capacity, falsePositiveRate,
                bytes(heapBytes)));
      }
    }

    private static String bytes(long bytes) {
      if (bytes == Long.MAX_VALUE) {
        return "more than 8 EiB";
      }
      String[] units = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
      int unit = 0;
      double value = bytes;
      while (value >= 1024 && unit < units.length - 1) {
        value /= 1024;
        unit++;
      }
      return String.format("%.1f %s", value, units[unit]);
    }
  }

  /** Wires the pipeline from events to one answer per ad impression, with no source and no sink. */
  public static DataStream<AdExposure> build(DataStream<ClickEvent> events, Settings settings) {
    SingleOutputStreamOperator<ClickEvent> impressions =
        events
            .filter(event -> event.kind == EventKind.AD_IMPRESSION)
            .uid("first-exposure/impressions")
            .name("impressions");
    if (events.getTransformation().isParallelismConfigured()) {
      // At its input's parallelism the filter chains to it, so no round-robin reshuffles the order of an ad's events.
      impressions.setParallelism(events.getParallelism());
    }
    KeyedStream<ClickEvent, String> impressionsByAd = impressions.keyBy(event -> event.adId, Types.STRING);
    TypeInformation<AdExposure> type = TypeInformation.of(AdExposure.class);
    if (settings.exact()) {
      return impressionsByAd
          .process(new ExactFirstExposure(), type)
          .uid("first-exposure/exact-users")
          .name("exact-users");
    }
    DataStream<AdExposure> answers =
        impressionsByAd
            .transform(
                "bloom-filters",
                type,
                new FirstExposureOperator(
                    settings.capacity(), settings.falsePositiveRate(), HASH_SEED, settings.cachedAds()))
            .uid("first-exposure/bloom-filters");
    if (!settings.verify()) {
      return answers;
    }
    long numBits = BloomFilter.optimalNumBits(settings.capacity(), settings.falsePositiveRate());
    // The answers are still partitioned by ad: no shuffle before the verifier.
    return DataStreamUtils.reinterpretAsKeyedStream(answers, answer -> answer.adId, Types.STRING)
        .process(
            new FirstExposureVerifier(
                settings.capacity(), numBits, BloomFilter.optimalNumHashes(settings.capacity(), numBits), HASH_SEED),
            type)
        .uid("first-exposure/verify")
        .name("verify");
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String summary() {
    return "for each ad impression, whether the user probably saw the ad before (rotating Bloom filters per ad)";
  }

  @Override
  public OptionSet options() {
    Settings defaults = Settings.defaults();
    return new OptionSet()
        .addAll(CommonOptions.INPUT)
        .addAll(CommonOptions.GENERATOR)
        .add(
            Option.value(
                "capacity",
                "n",
                Long.toString(defaults.capacity()),
                "distinct users per filter generation; a user is remembered for at least this many new users"))
        .add(
            Option.value(
                "fpp",
                "p",
                Double.toString(defaults.falsePositiveRate()),
                "design false-positive rate of a full generation, in (0, 1)"))
        .add(
            Option.value(
                "cache-ads",
                "n",
                Integer.toString(defaults.cachedAds()),
                "ads whose filters each subtask keeps on the heap between checkpoints"))
        .add(Option.flag("exact", "answer exactly from a set of users per ad instead (the benchmark baseline)"))
        .add(Option.flag("verify", "add the exact answer and a DataSketches Bloom filter's answer to each record"))
        .addAll(CommonOptions.RUNTIME);
  }

  @Override
  public int run(ParsedArgs args, PrintStream out) throws Exception {
    Settings settings =
        JobRun.settings(
            NAME,
            () ->
                new Settings(
                    args.longValue("capacity", 1),
                    args.doubleValue("fpp", 0),
                    args.intValue("cache-ads", 1, Integer.MAX_VALUE),
                    args.flag("exact"),
                    args.flag("verify")));
    JobRun job = JobRun.start(NAME, args);
    if (StreamExecutionEnvironment.areExplicitEnvironmentsAllowed()) {
      // A local run's subtasks share this JVM's heap. (A cluster's TaskManager heap is not known here.)
      JobRun.settings(NAME, () -> {
        settings.requireHeap(job.env().getParallelism(), Runtime.getRuntime().maxMemory());
        return settings;
      });
    }
    job.write(build(job.events(), settings), EXPOSURES);
    return job.execute(out);
  }
}
