package io.streamsketch.jobs.runtime;

import io.streamsketch.generator.GeneratorConfig;
import io.streamsketch.jobs.cli.Option;
import io.streamsketch.jobs.cli.ParsedArgs;
import io.streamsketch.jobs.cli.UsageException;
import java.util.List;

/** Options shared by the commands: the generator's, the input's, and the runtime's. */
public final class CommonOptions {
  private static final GeneratorConfig DEFAULTS = GeneratorConfig.defaults();

  public static final List<Option> GENERATOR =
      List.of(
          Option.value("events", "n", Long.toString(DEFAULTS.events()), "number of generated events"),
          Option.value("seed", "n", Long.toString(DEFAULTS.seed()), "random seed; the same seed gives the same events"),
          Option.value("users", "n", Integer.toString(DEFAULTS.users()), "distinct users (Zipf-skewed)"),
          Option.value("pages", "n", Integer.toString(DEFAULTS.pages()), "distinct pages (Zipf-skewed)"),
          Option.value("max-delay", "duration", "5s", "bound on out-of-order arrival of generated events"),
          Option.value(
              "late-fraction",
              "f",
              Double.toString(DEFAULTS.lateFraction()),
              "fraction of generated events that arrive 1-2 h late, beyond any allowed lateness"));

  public static final List<Option> INPUT =
      List.of(
          Option.value("input", "path", null, "read JSON-lines events from this file or folder instead of the generator"),
          Option.value("rate", "events/s", "0", "generator source rate over all subtasks; 0 is unlimited"),
          Option.value(
              "source",
              "generator|files|kafka",
              null,
              "where events come from (default: files with --input, else the generator)"),
          Option.value("bootstrap-servers", "host:port,...", null, "Kafka brokers, with --source kafka or --sink kafka"),
          Option.value("topic", "name", null, "Kafka topic of JSON events, with --source kafka"),
          Option.value("group-id", "id", null, "Kafka consumer group (default: streamsketch-<job>)"),
          Option.value(
              "starting-offsets",
              "earliest|latest|committed|epoch-ms",
              null,
              "where a new run starts reading the topic (default: earliest); a restore resumes from its checkpoint"),
          Option.flag("bounded", "stop at the topic's end offsets as of the start, then print the summary"));

  /** The windows of the sketch jobs and their local pre-aggregation. */
  public static final List<Option> RUNTIME =
      List.of(
          Option.value("sink", "files|kafka|postgres", "files", "where every output of the job goes"),
          Option.value("output", "dir", null, "--sink files: write JSON-lines results under this folder"),
          Option.value("topic-prefix", "text", null, "--sink kafka: each output goes to topic <prefix><output> (default: '<job>.')"),
          Option.value(
              "transactional-id-prefix",
              "text",
              null,
              "--sink kafka: prefix of the Kafka transactional ids, stable across restarts; unique per running job"
                  + " (default: streamsketch-<job>)"),
          Option.value(
              "transaction-timeout",
              "duration",
              "15m",
              "--sink kafka: Kafka transaction timeout, at most the broker's transaction.max.timeout.ms"),
          Option.value("jdbc-url", "url", null, "--sink postgres: the database, e.g. jdbc:postgresql://localhost:5432/db"),
          Option.value("jdbc-user", "name", null, "--sink postgres: the database user"),
          Option.value(
              "jdbc-password-env",
              "variable",
              null,
              "--sink postgres: the NAME of the environment variable holding the password (never the password)"),
          Option.value("parallelism", "n", null, "job parallelism (default: parallelism.default of the configuration)"),
          Option.value("state-backend", "hashmap|rocksdb", null, "state backend (default: from config.yaml)"),
          Option.value(
              "checkpoint-dir",
              "path",
              null,
              "checkpoint folder (default: config.yaml's, else <java.io.tmpdir>/streamsketch-<user>/checkpoints)"),
          Option.flag(
              "event-metrics",
              "count the input's events per kind in Flink metrics (a stateless operator, event-metrics)"),
          Option.flag("keep-checkpoints", "keep a finished java -jar run's checkpoint folder (a failed run keeps it)"),
          Option.value("conf-dir", "dir", "flink-conf", "folder with config.yaml, for runs with java -jar"),
          Option.flag("web-ui", "serve Flink's web UI on localhost while a java -jar run lasts"),
          Option.flag("quiet", "no progress line on stderr while a java -jar run lasts"),
          Restore.OPTIONS.get(0),
          Restore.OPTIONS.get(1),
          Restore.OPTIONS.get(2),
          Restore.OPTIONS.get(3));

  private CommonOptions() {}

  public static GeneratorConfig generatorConfig(ParsedArgs args, double malformedFraction) {
    try {
      return GeneratorConfig.defaults()
          .withEvents(args.longValue("events", 0))
          .withSeed(args.longValue("seed", Long.MIN_VALUE))
          .withUsersAndPages(
              args.intValue("users", 1, GeneratorConfig.MAX_DISTINCT),
              args.intValue("pages", 1, GeneratorConfig.MAX_DISTINCT))
          .withDisorder(
              args.nonNegativeDuration("max-delay").toMillis(), args.fraction("late-fraction", 0, 1), malformedFraction);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }
}
