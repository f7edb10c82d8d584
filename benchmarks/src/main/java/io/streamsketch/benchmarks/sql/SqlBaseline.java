package io.streamsketch.benchmarks.sql;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.StatementSet;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.util.TimeUtils;

/**
 * The Flink SQL equivalent of one of our jobs (Table API, streaming mode), on the same JSON-lines file, for
 * {@code benchmarks/report.sh}: {@code SqlBaseline <job> <input file> <output folder> <hashmap|rocksdb>
 * <checkpoint folder> <default|tuned> [--window D] [--checkpoint-interval D]}.
 *
 * <p>The configuration is {@code flink-conf/config.yaml}'s, as for a {@code java -jar} run of our jobs (checkpoints
 * every 10 s or {@code --checkpoint-interval}, incremental on RocksDB), with parallelism 2 and the given backend.
 * {@code --window} sets unique-visitors' tumbling window (default 1 min), for the report's state comparison.
 * {@code tuned} adds the tuning that Flink's documentation recommends for aggregations: mini-batch, two-phase
 * (local-global) aggregation and split distinct aggregation. Every result table is written with the {@code filesystem} connector as JSON lines, committed
 * on checkpoints and at the end, like our jobs' file outputs. Prints {@code sql-<job> finished in S s} (Flink's net
 * job runtime) and writes the optimized plan to {@code <output>/plan.txt}. Wrong arguments: one line, exit 2.
 */
public final class SqlBaseline {
  private SqlBaseline() {}

  public static void main(String[] args) throws Exception {
    Arguments run = null;
    try {
      run = Arguments.parse(args);
    } catch (IllegalArgumentException e) {
      usage(e.getMessage());
    }
    SqlJob job = run.job();
    Path input = run.input();
    Path output = run.output();
    if (!Files.isRegularFile(input) || !Files.isReadable(input)) {
      usage("the input " + input + " is not a readable file");
    }
    if (Files.exists(output)) {
      usage("the output folder " + output + " exists already; give a new one");
    }
    Files.createDirectories(output);
    Files.createDirectories(run.checkpoints());

    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.getExecutionEnvironment(
            configuration(run.backend(), run.checkpoints(), run.checkpointInterval()));
    StreamTableEnvironment tables = StreamTableEnvironment.create(env);
    tables.getConfig().set("table.local-time-zone", "UTC");
    if (run.tuning().equals("tuned")) {
      tuned().forEach(tables.getConfig()::set);
    }
    tables.executeSql(eventsTable(input, job.outOfOrderness()));
    for (String view : job.views()) {
      tables.executeSql(view);
    }
    StatementSet inserts = tables.createStatementSet();
    for (Map.Entry<String, SqlJob.Output> out : run.outputs().entrySet()) {
      tables.executeSql(sinkTable(out.getKey(), out.getValue().columns(), output.resolve(out.getKey())));
      inserts.addInsertSql("INSERT INTO `" + out.getKey() + "` " + out.getValue().query());
    }
    Files.writeString(output.resolve("plan.txt"), inserts.explain(), StandardCharsets.UTF_8);
    TableResult result = inserts.execute();
    JobExecutionResult done = result.getJobClient().orElseThrow().getJobExecutionResult().get();
    System.out.printf("sql-%s finished in %.1f s%n", job.jobName(), done.getNetRuntime() / 1000.0);
  }

  /** SQL's documented tuning for aggregations (Flink's "Performance Tuning" page). */
  static Map<String, String> tuned() {
    return Map.of(
        "table.exec.mini-batch.enabled", "true",
        "table.exec.mini-batch.allow-latency", "2 s",
        "table.exec.mini-batch.size", "5000",
        "table.optimizer.agg-phase-strategy", "TWO_PHASE",
        "table.optimizer.distinct-agg.split.enabled", "true");
  }

  /**
   * The command line: six arguments, then optionally {@code --window D} (unique-visitors only: its tumbling window,
   * default 1 min) and {@code --checkpoint-interval D} (default 10 s), durations as Flink writes them ({@code 1h},
   * {@code 30 s}, {@code 500ms}).
   */
  record Arguments(
      SqlJob job,
      Path input,
      Path output,
      String backend,
      Path checkpoints,
      String tuning,
      Map<String, SqlJob.Output> outputs,
      Duration checkpointInterval) {

    /** Flink's smallest checkpoint interval. */
    private static final Duration MIN_CHECKPOINT_INTERVAL = Duration.ofMillis(10);

    /** @throws IllegalArgumentException with a message for the user when the arguments are wrong */
    static Arguments parse(String[] args) {
      if (args.length < 6) {
        throw new IllegalArgumentException("expected 6 arguments, got " + args.length);
      }
      SqlJob job = SqlJob.byName(args[0]);
      if (job == null) {
        throw new IllegalArgumentException("unknown job " + args[0] + "; one of " + SqlJob.names());
      }
      String backend = args[3];
      if (!backend.equals("hashmap") && !backend.equals("rocksdb")) {
        throw new IllegalArgumentException("the backend is hashmap or rocksdb, not " + backend);
      }
      String tuning = args[5];
      if (!tuning.equals("default") && !tuning.equals("tuned")) {
        throw new IllegalArgumentException("the tuning is default or tuned, not " + tuning);
      }
      Map<String, SqlJob.Output> outputs = job.outputs();
      Duration checkpointInterval = Duration.ofSeconds(10);
      for (int i = 6; i < args.length; i += 2) {
        String option = args[i];
        if (!option.equals("--window") && !option.equals("--checkpoint-interval")) {
          throw new IllegalArgumentException("unknown option " + option + " (--window or --checkpoint-interval)");
        }
        if (i + 1 == args.length) {
          throw new IllegalArgumentException(option + " needs a value");
        }
        Duration value = duration(option, args[i + 1]);
        if (option.equals("--window")) {
          outputs = job.outputs(value);
        } else if (value.compareTo(MIN_CHECKPOINT_INTERVAL) < 0) {
          throw new IllegalArgumentException("--checkpoint-interval must be at least 10 ms, not " + args[i + 1]);
        } else {
          checkpointInterval = value;
        }
      }
      return new Arguments(
          job,
          Paths.get(args[1]).toAbsolutePath(),
          Paths.get(args[2]).toAbsolutePath(),
          backend,
          Paths.get(args[4]).toAbsolutePath(),
          tuning,
          outputs,
          checkpointInterval);
    }

    private static Duration duration(String option, String text) {
      Duration value;
      try {
        value = TimeUtils.parseDuration(text);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(option + " takes a duration like 1h, 30s or 500ms, not '" + text + "'");
      }
      if (value.isZero()) {
        throw new IllegalArgumentException(option + " must be positive, not " + text);
      }
      return value;
    }
  }

  private static Configuration configuration(String backend, Path checkpoints, Duration checkpointInterval) {
    Path confDir = Paths.get("flink-conf");
    Configuration conf =
        Files.isRegularFile(confDir.resolve(GlobalConfiguration.FLINK_CONF_FILENAME))
            ? GlobalConfiguration.loadConfiguration(confDir.toAbsolutePath().toString())
            : new Configuration();
    conf.set(StateBackendOptions.STATE_BACKEND, backend);
    conf.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
    conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, checkpointInterval);
    conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
    conf.set(CoreOptions.DEFAULT_PARALLELISM, 2);
    conf.set(TaskManagerOptions.NUM_TASK_SLOTS, 2);
    conf.set(RestOptions.BIND_PORT, "0");
    // The planner gives its operators no uids unless a compiled plan is used; config.yaml forbids generated ones.
    conf.set(PipelineOptions.AUTO_GENERATE_UIDS, true);
    return conf;
  }

  static String eventsTable(Path input, Duration outOfOrderness) {
    return "CREATE TABLE events ("
        + " eventId BIGINT, userId STRING, pageId STRING, kind STRING, adId STRING, eventTime BIGINT,"
        + " ts AS TO_TIMESTAMP_LTZ(eventTime, 3),"
        + " WATERMARK FOR ts AS ts - INTERVAL '" + outOfOrderness.toSeconds() + "' SECOND"
        + ") WITH ('connector' = 'filesystem', 'path' = '" + input.toUri() + "', 'format' = 'json')";
  }

  private static String sinkTable(String name, List<String> columns, Path folder) {
    // Quoted: some of our field names (views, events) are reserved words in Flink SQL.
    String quoted = columns.stream().map(column -> "`" + column.replaceFirst(" ", "` ")).collect(Collectors.joining(", "));
    return "CREATE TABLE `" + name + "` (" + quoted + ") WITH ("
        + "'connector' = 'filesystem', 'path' = '" + folder.toUri() + "', 'format' = 'json')";
  }

  private static void usage(String problem) {
    System.err.println("error: " + problem + " (usage: SqlBaseline <" + SqlJob.names()
        + "> <input file> <new output folder> <hashmap|rocksdb> <checkpoint folder> <default|tuned>"
        + " [--window D (unique-visitors)] [--checkpoint-interval D])");
    System.exit(2);
  }
}
