package io.streamsketch.jobs.enrich;

import io.streamsketch.flink.io.SideOutputs;
import io.streamsketch.flink.join.JoinMode;
import io.streamsketch.flink.join.JoinOutputs;
import io.streamsketch.flink.join.KeyedDimensionJoin;
import io.streamsketch.flink.join.PagesLoader;
import io.streamsketch.flink.join.ParsePageRows;
import io.streamsketch.flink.join.SmallDimensionJoin;
import io.streamsketch.jobs.cli.Option;
import io.streamsketch.jobs.cli.OptionSet;
import io.streamsketch.jobs.cli.ParsedArgs;
import io.streamsketch.jobs.cli.UsageException;
import io.streamsketch.jobs.runtime.CommonOptions;
import io.streamsketch.jobs.runtime.EventTime;
import io.streamsketch.jobs.runtime.JobCommand;
import io.streamsketch.jobs.runtime.JobRun;
import io.streamsketch.model.ClickEvent;
import io.streamsketch.model.DeadLetter;
import io.streamsketch.model.EnrichedEvent;
import io.streamsketch.model.Page;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Locale;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.connector.file.src.reader.TextLineInputFormat;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * {@code enrich}: joins click events (facts) with the page dimension ({@code pageId -> category, title}), as an inner
 * or left outer join, with a small dimension loaded into each subtask or a large one streamed into keyed state.
 *
 * <p>Large dimension: facts and rows meet keyed by page id; a fact waits for its page's row (bounded per page) and
 * is released unmatched only once event time, which the dimension's watermark holds back until the dimension is
 * loaded, passes the fact's time. A bounded dimension is loaded when its files are read; a refreshed one (monitored
 * folder, never finished) when no row has come for the dimension idleness. See {@link KeyedDimensionJoin}.
 */
public final class EnrichJob implements JobCommand {
  public static final String NAME = "enrich";

  static final String ENRICHED = "enriched";
  static final String UNMATCHED = "unmatched-facts";
  static final String WAITING_OVERFLOW = "waiting-overflow";
  static final String PAGE_DEAD_LETTERS = "page-dead-letters";

  /** Where the dimension lives while the job runs. */
  public enum Dimension {
    /** Loaded once into each subtask's memory. */
    SMALL,
    /** Read as a stream into keyed state. */
    LARGE
  }

  /**
   * The job's parameters.
   *
   * @param refreshInterval large dimension: how often to look for new files in the dimension folder; null reads the
   *     dimension once, as a bounded stream
   * @param dimensionIdleness with refresh: how long without a row before the dimension counts as loaded
   */
  public record Settings(
      JoinMode join,
      Dimension dimension,
      int maxWaitingPerPage,
      Duration refreshInterval,
      Duration dimensionIdleness,
      Duration outOfOrderness,
      Duration idleness) {

    public Settings {
      if (refreshInterval != null && dimension != Dimension.LARGE) {
        throw new IllegalArgumentException("a refresh interval needs the large dimension");
      }
    }

    /** Inner join, small dimension, 10,000 waiting facts per page, no refresh, 30 s idleness, 2 s out-of-orderness. */
    public static Settings defaults() {
      return new Settings(
          JoinMode.INNER,
          Dimension.SMALL,
          10_000,
          null,
          Duration.ofSeconds(30),
          Duration.ofSeconds(2),
          Duration.ofSeconds(30));
    }
  }

  /**
   * The job's output streams; those a configuration cannot produce are null.
   *
   * @param unmatched inner join only
   * @param waitingOverflow large dimension only
   * @param pageDeadLetters large dimension only; the small dimension rejects a malformed file before the job starts
   */
  public record Results(
      DataStream<EnrichedEvent> enriched,
      DataStream<ClickEvent> unmatched,
      DataStream<ClickEvent> waitingOverflow,
      DataStream<DeadLetter> pageDeadLetters) {}

  /** The small dimension: each subtask loads the rows in {@code open()}; the facts are not shuffled. */
  public static Results joinSmall(DataStream<ClickEvent> events, PagesLoader pages, Settings settings) {
    SingleOutputStreamOperator<EnrichedEvent> enriched =
        events
            .process(new SmallDimensionJoin(settings.join(), pages), TypeInformation.of(EnrichedEvent.class))
            .uid("enrich/small-dimension-join")
            .name("small-dimension-join");
    return new Results(enriched, unmatched(enriched, settings), null, null);
  }

  /**
   * The large dimension: {@code pageLines}, the lines of {@code pages.csv} files, with the dimension's watermarks
   * already assigned by its source (see {@link #dimensionWatermarks}).
   */
  public static Results joinLarge(DataStream<ClickEvent> events, DataStream<String> pageLines, Settings settings) {
    SingleOutputStreamOperator<Page> rows =
        pageLines
            .process(new ParsePageRows(), TypeInformation.of(Page.class))
            .uid("enrich/parse-pages")
            .name("parse-pages");
    SingleOutputStreamOperator<EnrichedEvent> enriched =
        events
            .connect(rows)
            .keyBy(fact -> fact.pageId, row -> row.pageId, Types.STRING)
            .process(
                new KeyedDimensionJoin(settings.join(), settings.maxWaitingPerPage()),
                TypeInformation.of(EnrichedEvent.class))
            .uid("enrich/keyed-dimension-join")
            .name("keyed-dimension-join");
    return new Results(
        enriched,
        unmatched(enriched, settings),
        enriched.getSideOutput(JoinOutputs.WAITING_OVERFLOW),
        rows.getSideOutput(SideOutputs.DEAD_LETTERS));
  }

  /**
   * The dimension's watermarks. Rows carry no event time, so the dimension emits no watermark of its own: read once,
   * its watermark stays at the minimum, holding back the join's event time, until the files are read and the
   * bounded source ends with the maximum; refreshed, it never ends, so it is marked idle, and stops holding event
   * time back, after {@code dimensionIdleness} without a row.
   */
  static WatermarkStrategy<String> dimensionWatermarks(Settings settings) {
    WatermarkStrategy<String> none = WatermarkStrategy.noWatermarks();
    return settings.refreshInterval() == null ? none : none.withIdleness(settings.dimensionIdleness());
  }

  private static DataStream<ClickEvent> unmatched(SingleOutputStreamOperator<EnrichedEvent> enriched, Settings s) {
    return s.join() == JoinMode.INNER ? enriched.getSideOutput(JoinOutputs.UNMATCHED_FACTS) : null;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String summary() {
    return "join events with the page dimension (inner or left; small in memory or large in keyed state, refreshable)";
  }

  @Override
  public OptionSet options() {
    Settings defaults = Settings.defaults();
    return new OptionSet()
        .addAll(CommonOptions.INPUT)
        .addAll(CommonOptions.GENERATOR)
        .add(
            Option.value(
                "pages-file",
                "path",
                null,
                "pages.csv, or a folder of such files (default: the generator's pages for --seed and --pages)"))
        .add(
            Option.value(
                "join", "inner|left", "inner", "inner: unmatched events to unmatched-facts; left: null page fields"))
        .add(Option.value("dimension", "small|large", "small", "small: loaded into each subtask; large: keyed state"))
        .add(
            Option.value(
                "max-waiting-per-page",
                "n",
                Integer.toString(defaults.maxWaitingPerPage()),
                "large: events waiting for their page's row, per page; more go to waiting-overflow"))
        .add(
            Option.value(
                "refresh-interval",
                "duration",
                null,
                "large: watch the --pages-file folder for new files this often (the job then runs until cancelled)"))
        .add(
            Option.value(
                "dimension-idleness",
                "duration",
                "30s",
                "with refresh: the dimension counts as loaded after this long without a row"))
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
                    JoinMode.valueOf(args.choice("join", "inner", "left").toUpperCase(Locale.ROOT)),
                    Dimension.valueOf(args.choice("dimension", "small", "large").toUpperCase(Locale.ROOT)),
                    args.intValue("max-waiting-per-page", 0, Integer.MAX_VALUE),
                    args.has("refresh-interval") ? args.duration("refresh-interval") : null,
                    args.duration("dimension-idleness"),
                    args.nonNegativeDuration("out-of-orderness"),
                    args.duration("idleness")));
    String pagesPath = args.string("pages-file");
    if (pagesPath == null && settings.refreshInterval() != null) {
      throw new UsageException(NAME + ": --refresh-interval needs --pages-file, the folder to watch");
    }
    PagesLoader smallPages = null;
    if (settings.dimension() == Dimension.SMALL) {
      smallPages =
          pagesPath == null
              ? PagesLoader.generated(CommonOptions.generatorConfig(args, 0.0))
              : PagesLoader.fromPath(pagesPath);
      try {
        smallPages.load(); // Fail here, with the line at fault, rather than in every subtask.
      } catch (IOException e) {
        throw new UsageException(NAME + ": --pages-file: " + e.getMessage());
      }
    }
    JobRun job = JobRun.start(NAME, args, new EventTime.Watermarks(settings.outOfOrderness(), settings.idleness()));
    DataStream<ClickEvent> events = job.events();

    Results results;
    if (smallPages != null) {
      results = joinSmall(events, smallPages, settings);
    } else {
      String path = pagesPath != null ? pagesPath : writeGeneratedPages(args);
      FileSource.FileSourceBuilder<String> files =
          FileSource.forRecordStreamFormat(new TextLineInputFormat(), new Path(path));
      if (settings.refreshInterval() != null) {
        files.monitorContinuously(settings.refreshInterval());
      }
      DataStream<String> pageLines =
          job.env()
              .fromSource(files.build(), dimensionWatermarks(settings), "page-files")
              .uid("enrich/page-files");
      results = joinLarge(events, pageLines, settings);
    }

    job.write(results.enriched(), ENRICHED);
    if (results.unmatched() != null) {
      job.write(results.unmatched(), UNMATCHED);
    }
    if (results.waitingOverflow() != null) {
      job.write(results.waitingOverflow(), WAITING_OVERFLOW);
      job.write(results.pageDeadLetters(), PAGE_DEAD_LETTERS);
    }
    return job.execute(out);
  }

  /**
   * The generator's pages as a file, for the large dimension's file source. It lives in a local temporary folder,
   * so on a cluster, whose task managers cannot see it, pass {@code --pages-file}.
   */
  private static String writeGeneratedPages(ParsedArgs args) throws IOException {
    java.nio.file.Path folder = Files.createTempDirectory("streamsketch-pages");
    java.nio.file.Path file = folder.resolve("pages.csv");
    folder.toFile().deleteOnExit();
    Files.writeString(file, PagesLoader.generatedCsv(CommonOptions.generatorConfig(args, 0.0)), StandardCharsets.UTF_8);
    file.toFile().deleteOnExit();
    return file.toString();
  }
}
