package io.streamsketch.benchmarks.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;

/**
 * The job runs recorded by {@code benchmarks/report.sh}: ours and Flink SQL's, per job, backend and round; and, with
 * {@code --state-windows}, unique-visitors' state runs at other window sizes.
 */
final class JobRuns {
  static final List<String> ENGINES = List.of("ours", "sql-default", "sql-tuned");
  static final List<String> BACKENDS = List.of("hashmap", "rocksdb");
  /** The engines of the state runs: our sketches, our exact MapState, SQL's exact COUNT(DISTINCT). */
  static final List<String> STATE_ENGINES = List.of("ours", "ours-exact", "sql-default");
  /** The windows and backends report.sh's --state-windows runs, for the completeness check. */
  private static final int STATE_RUNS_PER_COMMAND = 2 * 2 * 3;

  /**
   * One run: a row of the TSV. {@code runtime} is null when the run failed. {@code window} is empty for a run at the
   * job's default windows (the throughput runs) and {@code checkpointInterval} for rows recorded before that column.
   */
  record Run(
      int round,
      String job,
      String backend,
      String engine,
      int status,
      Double runtime,
      int checkpoints,
      Long maxStateBytes,
      long rows,
      String loadBefore,
      String loadAfter,
      String window,
      String checkpointInterval) {}

  /** What the SQL queries (SqlJob) do differently from our jobs: the work is the same, the semantics not quite. */
  private static final String DIFFERENCES =
      """
      What the SQL queries (`benchmarks/src/main/java/io/streamsketch/benchmarks/sql/SqlJob.java`) compute, and how it \
      differs from our jobs at their default options:

      - All: the same windows and out-of-orderness (2 s; `ctr` 1 min), epoch-aligned (session time zone UTC). Our \
      jobs update a fired window for 1 min of allowed lateness (with firing numbers) and write every later event to a \
      late output; SQL's window TVFs have no allowed lateness and drop events behind the watermark without a trace. \
      Our watermarks advance with the events (1 s steps); SQL's are periodic (200 ms). SQL writes window bounds as \
      timestamps, ours as epoch milliseconds.
      - `windowed-counts`: TUMBLE (1 min) and HOP (10 min every 5 min) with COUNT(*) over the views, two INSERTs of \
      one statement set: one job, one scan of the file.
      - `sessions`: SESSION window TVF (30 min gap, partitioned by user) with our aggregates: first and last event \
      time, events, views, impressions, clicks, COUNT(DISTINCT pageId), entry and exit page (MIN and MAX of a \
      "time, id, page" string: FIRST_VALUE and LAST_VALUE take arrival order and cannot merge sessions). SQL has no \
      4 h maximum length and no revisions or retractions.
      - `unique-visitors`: TUMBLE (1 min) with the exact COUNT(DISTINCT userId) per page and over all pages; ours \
      estimates both with HyperLogLog (p = 12) and bounds. (SQL's APPROX_COUNT_DISTINCT is batch-only.)
      - `ctr`: impressions LEFT interval JOIN clicks of the same user and ad within [0, 10 min], then TUMBLE (1 h) \
      of impression time per ad with COUNT(DISTINCT impression id) and COUNT(DISTINCT clicked impression id). Ours \
      also writes the unmatched clicks and the late ad events.

      """;

  private final String command;
  private final String machine;
  private final long events;
  /** The runs at the jobs' default windows, which the throughput tables and chart compare. */
  private final List<Run> runs;
  /** unique-visitors' runs at the windows of --state-windows. */
  private final List<Run> stateRuns;

  private JobRuns(String command, String machine, long events, List<Run> all) {
    this.command = command;
    this.machine = machine;
    this.events = events;
    this.runs = all.stream().filter(run -> run.window().isEmpty()).toList();
    this.stateRuns = all.stream().filter(run -> !run.window().isEmpty()).toList();
  }

  static JobRuns read(Path tsv) throws IOException {
    String command = "?";
    String machine = "?";
    long events = 0;
    List<Run> runs = new ArrayList<>();
    for (String line : Files.readAllLines(tsv)) {
      if (line.startsWith("# command: ")) {
        command = line.substring("# command: ".length());
      } else if (line.startsWith("# machine: ")) {
        machine = line.substring("# machine: ".length());
      } else if (line.startsWith("# events: ")) {
        events = Long.parseLong(line.substring("# events: ".length()).trim());
      } else if (!line.startsWith("#") && !line.startsWith("round\t") && !line.isBlank()) {
        String[] f = line.split("\t", -1);
        runs.add(
            new Run(
                Integer.parseInt(f[0]),
                f[1],
                f[2],
                f[3],
                Integer.parseInt(f[4]),
                f[5].isEmpty() ? null : Double.parseDouble(f[5]),
                f[6].isEmpty() ? 0 : Integer.parseInt(f[6]),
                f[7].isEmpty() ? null : Long.parseLong(f[7]),
                Long.parseLong(f[8].trim()),
                f[9],
                f[10],
                // Rows recorded before these columns have 11 fields: default windows, interval not recorded.
                f.length > 11 ? f[11] : "",
                f.length > 12 ? f[12] : ""));
      }
    }
    if (events <= 0) {
      throw new IOException(tsv + " has no '# events: N' line");
    }
    return new JobRuns(command, machine, events, runs);
  }

  String command() {
    return command;
  }

  String machine() {
    return machine;
  }

  /** The summary table, the table of every run, and the throughput chart (written to {@code results}). */
  String markdown(Path results) throws IOException {
    StringBuilder md = new StringBuilder("## Our jobs against Flink SQL\n\n");
    md.append(String.format(Locale.ROOT,
        "Input: `generate --seed 7 --events %,d`, one JSON-lines file read by one source subtask; parallelism 2;"
            + " checkpoints every 10 s (RocksDB: incremental); every output written as JSON-lines files (ours: our"
            + " file sink; SQL: the `filesystem` connector, format `json`), committed on checkpoints and at the end"
            + " of input. events/s = input events / Flink's net job runtime. SQL default: Flink's defaults; SQL tuned:"
            + " mini-batch (2 s, 5,000 rows), `agg-phase-strategy` TWO_PHASE, `distinct-agg.split.enabled`."
            + " State: the largest state size (Flink's, as the CheckpointCoordinator logs each completed"
            + " checkpoint: full size, not the incremental delta) over the run's checkpoints; \"none\" when the run"
            + " ended before its first checkpoint completed.\n\n",
        events));
    md.append(DIFFERENCES);
    md.append(completeness());
    md.append("![throughput](throughput.png)\n\n");
    md.append("### Per job and backend: the median in bold, each run in parentheses (every run is listed below)\n\n");
    List<List<String>> rows = new ArrayList<>();
    for (String job : jobs()) {
      for (String backend : BACKENDS) {
        List<String> row = new ArrayList<>(List.of("`" + job + "`", backend));
        Double ours = medianRate(job, backend, "ours");
        for (String engine : ENGINES) {
          row.add(rates(job, backend, engine));
        }
        for (String sql : List.of("sql-default", "sql-tuned")) {
          Double theirs = medianRate(job, backend, sql);
          row.add(ours == null || theirs == null ? "n/a" : String.format(Locale.ROOT, "%.2f×", ours / theirs));
        }
        for (String engine : ENGINES) {
          row.add(states(job, backend, engine));
        }
        rows.add(row);
      }
    }
    md.append(
        ReportCharts.table(
            List.of(
                "job", "backend", "ours events/s: median (each run)", "SQL default events/s", "SQL tuned events/s",
                "ours / SQL default", "ours / SQL tuned", "ours state KiB (each run)",
                "SQL default state KiB", "SQL tuned state KiB"),
            rows));
    md.append("ours / SQL is our median events/s over SQL's: above 1, ours is faster. Our own RocksDB time against"
        + " our heap time (medians):\n\n");
    List<List<String>> own = new ArrayList<>();
    for (String job : jobs()) {
      Double heap = medianRate(job, "hashmap", "ours");
      Double rocks = medianRate(job, "rocksdb", "ours");
      own.add(List.of("`" + job + "`",
          heap == null || rocks == null ? "n/a" : String.format(Locale.ROOT, "%.2f×", heap / rocks)));
    }
    md.append(ReportCharts.table(List.of("job", "ours: RocksDB time / heap time"), own));

    md.append("### Every run, in the order run\n\n");
    md.append(ReportCharts.table(
        List.of("round", "job", "backend", "engine", "job runtime (s)", "events/s", "checkpoints", "state KiB",
            "rows written", "load before", "load after"),
        runs.stream().map(run -> runRow(run, List.of())).toList()));
    throughputChart(results.resolve("throughput.png"));
    md.append(stateMarkdown());
    return md.toString();
  }

  /** A run as a row of the tables of every run, {@code first} columns before the common ones. */
  private List<String> runRow(Run run, List<String> first) {
    List<String> row = new ArrayList<>(first);
    row.addAll(List.of(
        Integer.toString(run.round()), "`" + run.job() + "`", run.backend(), run.engine(),
        run.runtime() == null ? "failed (exit " + run.status() + ")" : String.format(Locale.ROOT, "%.1f", run.runtime()),
        run.runtime() == null ? "" : String.format(Locale.ROOT, "%,d", Math.round(events / run.runtime())),
        Integer.toString(run.checkpoints()), kib(run.maxStateBytes()),
        String.format(Locale.ROOT, "%,d", run.rows()), run.loadBefore(), run.loadAfter()));
    return row;
  }

  private static String kib(Long bytes) {
    return bytes == null ? "none" : String.format(Locale.ROOT, "%,d", bytes / 1024);
  }

  /**
   * The state runs of {@code --state-windows}: per window and backend, the largest checkpointed state of ours with
   * HyperLogLog, ours exact and SQL's exact COUNT(DISTINCT), and the ratio of ours to SQL; then every state run. Empty
   * when there are none.
   */
  String stateMarkdown() {
    if (stateRuns.isEmpty()) {
      return "";
    }
    List<String> windows = stateRuns.stream().map(Run::window).distinct().toList();
    String intervals =
        stateRuns.stream().map(Run::checkpointInterval).distinct().collect(Collectors.joining(", "));
    StringBuilder md = new StringBuilder("## unique-visitors: checkpointed state at "
        + windows.stream().map(JobRuns::windowWords).collect(Collectors.joining(" and ")) + " windows\n\n");
    md.append(String.format(Locale.ROOT,
        "The same input (%,d events), parallelism 2, run once per window and backend after the throughput rounds,"
            + " with checkpoints every %s (so that each run completes several) instead of 10 s: ours with"
            + " HyperLogLog (p = 12, the default) and `--window W`; ours with `--exact --window W` (a `MapState` of"
            + " the users per page and window); Flink SQL at its defaults, TUMBLE of W with the exact"
            + " COUNT(DISTINCT userId) (`SqlBaseline ... --window W`). State: the largest checkpointed size over the"
            + " run's checkpoints, as above, in KiB, with the number of checkpoints completed in parentheses; ours /"
            + " SQL below 1 means our HyperLogLog state is the smaller. Timings of these runs include the frequent"
            + " checkpoints and are not the throughput comparison.%n%n",
        events, intervals));
    List<List<String>> rows = new ArrayList<>();
    for (String window : windows) {
      for (String backend : BACKENDS) {
        if (STATE_ENGINES.stream().allMatch(engine -> selectState(window, backend, engine).isEmpty())) {
          continue;
        }
        List<String> row = new ArrayList<>(List.of(window, backend));
        for (String engine : STATE_ENGINES) {
          row.add(selectState(window, backend, engine).stream()
              .map(r -> kib(r.maxStateBytes()) + " (" + r.checkpoints() + ")")
              .collect(Collectors.joining(", ")));
        }
        Double ours = medianState(window, backend, "ours");
        Double sql = medianState(window, backend, "sql-default");
        row.add(ours == null || sql == null ? "n/a" : String.format(Locale.ROOT, "%.3f×", ours / sql));
        rows.add(row);
      }
    }
    md.append(ReportCharts.table(
        List.of("window", "backend", "ours HyperLogLog KiB (checkpoints)", "ours exact KiB (checkpoints)",
            "SQL exact KiB (checkpoints)", "ours HyperLogLog / SQL"),
        rows));
    md.append("Every state run, in the order run:\n\n");
    md.append(ReportCharts.table(
        List.of("window", "round", "job", "backend", "engine", "job runtime (s)", "events/s", "checkpoints",
            "state KiB", "rows written", "load before", "load after"),
        stateRuns.stream().map(run -> runRow(run, List.of(run.window()))).toList()));
    return md.toString();
  }

  /** {@code 1m} as "1-minute", {@code 1h} as "1-hour"; any other notation as given. */
  static String windowWords(String window) {
    Matcher m = Pattern.compile("(\\d+)(ms|s|m|h|d)").matcher(window);
    if (!m.matches()) {
      return "`" + window + "`";
    }
    String unit = switch (m.group(2)) {
      case "ms" -> "millisecond";
      case "s" -> "second";
      case "m" -> "minute";
      case "h" -> "hour";
      default -> "day";
    };
    return m.group(1) + "-" + unit;
  }

  private List<Run> selectState(String window, String backend, String engine) {
    return stateRuns.stream()
        .filter(r -> r.window().equals(window) && r.backend().equals(backend) && r.engine().equals(engine))
        .toList();
  }

  /** The median of the largest checkpointed states of the runs that completed a checkpoint, or null. */
  private Double medianState(String window, String backend, String engine) {
    return median(selectState(window, backend, engine).stream()
        .filter(r -> r.maxStateBytes() != null)
        .map(r -> (double) r.maxStateBytes())
        .sorted()
        .toList());
  }

  /**
   * A warning when the recorded runs are fewer than the command asked for (a report interrupted, for instance at a
   * deadline, and drawn with --runs-from), so that a partial round is never read as a complete one.
   */
  String completeness() {
    Matcher rounds = Pattern.compile("--rounds (\\d+)").matcher(command);
    Matcher jobList = Pattern.compile("--jobs \"([^\"]*)\"").matcher(command);
    if (!rounds.find() || !jobList.find()) {
      return "";
    }
    int expected = Integer.parseInt(rounds.group(1)) * jobList.group(1).trim().split("\\s+").length
        * BACKENDS.size() * ENGINES.size()
        + (command.contains("--state-windows") ? STATE_RUNS_PER_COMMAND : 0);
    int recorded = runs.size() + stateRuns.size();
    if (recorded >= expected) {
      return "";
    }
    return String.format(Locale.ROOT,
        "**Incomplete: %d of the %d runs that the command asks for were recorded** (the report was interrupted"
            + " and drawn from the runs made, with `--runs-from`). The medians below are over the runs listed.%n%n",
        recorded, expected);
  }

  private void throughputChart(Path png) throws IOException {
    CategoryChart chart =
        new CategoryChartBuilder()
            .width(1100)
            .height(600)
            .title(String.format(Locale.ROOT, "Events/s, median of rounds (%,d events, parallelism 2)", events))
            .xAxisTitle(machine + "; 1-min load during the runs " + loadRange())
            .yAxisTitle("events/s")
            .build();
    chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNE);
    chart.getStyler().setXAxisLabelRotation(20);
    List<String> categories = new ArrayList<>();
    for (String job : jobs()) {
      for (String backend : BACKENDS) {
        categories.add(job + " / " + backend);
      }
    }
    for (String engine : ENGINES) {
      List<Double> values = new ArrayList<>();
      for (String job : jobs()) {
        for (String backend : BACKENDS) {
          Double rate = medianRate(job, backend, engine);
          values.add(rate == null ? 0.0 : rate);
        }
      }
      chart.addSeries(engine, categories, values);
    }
    BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
  }

  private String loadRange() {
    List<Double> loads = new ArrayList<>();
    for (Run run : runs) {
      loads.add(firstLoad(run.loadBefore()));
      loads.add(firstLoad(run.loadAfter()));
    }
    double min = loads.stream().mapToDouble(Double::doubleValue).min().orElse(0);
    double max = loads.stream().mapToDouble(Double::doubleValue).max().orElse(0);
    return String.format(Locale.ROOT, "%.1f to %.1f", min, max);
  }

  private static double firstLoad(String load) {
    return Double.parseDouble(load.split(",")[0].trim());
  }

  private Set<String> jobs() {
    return runs.stream().map(Run::job).collect(Collectors.toCollection(LinkedHashSet::new));
  }

  private List<Run> select(String job, String backend, String engine) {
    return runs.stream()
        .filter(r -> r.job().equals(job) && r.backend().equals(backend) && r.engine().equals(engine))
        .toList();
  }

  /** The median events/s of the successful runs, or null if none succeeded. */
  private Double medianRate(String job, String backend, String engine) {
    return median(
        select(job, backend, engine).stream()
            .filter(r -> r.runtime() != null)
            .map(r -> events / r.runtime())
            .sorted()
            .toList());
  }

  /** The median of sorted values, or null if there are none. */
  private static Double median(List<Double> sorted) {
    if (sorted.isEmpty()) {
      return null;
    }
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  private String rates(String job, String backend, String engine) {
    Double median = medianRate(job, backend, engine);
    String each =
        select(job, backend, engine).stream()
            .map(r -> r.runtime() == null ? "failed" : String.format(Locale.ROOT, "%,d", Math.round(events / r.runtime())))
            .collect(Collectors.joining(", "));
    return median == null ? each : String.format(Locale.ROOT, "**%,d** (%s)", Math.round(median), each);
  }

  private String states(String job, String backend, String engine) {
    return select(job, backend, engine).stream()
        .map(r -> kib(r.maxStateBytes()))
        .collect(Collectors.joining(", "));
  }
}
