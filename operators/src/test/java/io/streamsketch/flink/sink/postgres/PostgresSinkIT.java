package io.streamsketch.flink.sink.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsketch.testing.postgres.PostgresExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failure injection: a bounded job writes {@value #RECORDS} keyed records with revisions through two PostgreSQL
 * sinks (upsert by key, append by id) at parallelism 2, on RocksDB with incremental checkpoints every 200 ms, and
 * fails {@value #FAILURES} times at seeded records. Its tables must equal those of a run without failures, every
 * record must have been committed exactly once (the marker rows count the staged rows of every committed
 * transaction), and no prepared transaction may be left.
 */
class PostgresSinkIT {
  @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();

  @RegisterExtension
  static final MiniClusterExtension CLUSTER = new MiniClusterExtension(
      new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

  private static final int RECORDS = 20_000;
  private static final int KEYS = 500;
  private static final int FAILURES = 3;
  /** About 5 s of input per run: many checkpoints, and failures between them. */
  private static final double RECORDS_PER_SECOND = 4_000;
  private static final long SEED = 20261130L;

  /** Records at which a run fails, and those at which it already did: static, since operator state restores. */
  static final Set<Long> FAIL_AT = ConcurrentHashMap.newKeySet();
  static final Set<Long> FAILED_AT = ConcurrentHashMap.newKeySet();

  @TempDir Path checkpoints;

  private final PostgresSinkTesting testing = new PostgresSinkTesting(POSTGRES);

  @Test
  void injectedFailuresLoseAndDuplicateNothing() throws Exception {
    run("clean", Set.of());
    Set<Long> failAt = new TreeSet<>();
    Random random = new Random(SEED);
    while (failAt.size() < FAILURES) {
      failAt.add(RECORDS / 5 + (long) random.nextInt(RECORDS * 3 / 5));
    }
    run("failing", failAt);

    assertThat(FAILED_AT).as("injected failures").isEqualTo(failAt);
    Map<String, String> expected = expectedStanding();
    for (String run : new String[] {"clean", "failing"}) {
      assertThat(standing("results_" + run)).as(run + " upserts").isEqualTo(expected);
      assertThat(testing.count("SELECT count(*) FROM records_" + run)).as(run + " appends").isEqualTo(RECORDS);
      assertThat(testing.count("SELECT count(DISTINCT payload->>'value') FROM records_" + run)).isEqualTo(RECORDS);
      for (String sink : new String[] {run + "-results", run + "-records"}) {
        assertThat(testing.count("SELECT coalesce(sum(row_count), 0) FROM streamsketch_sink_commits"
            + " WHERE sink_id = '" + sink + "'")).as(sink + ": rows in committed transactions").isEqualTo(RECORDS);
        assertThat(testing.count("SELECT count(*) FROM streamsketch_sink_commits"
            + " WHERE sink_id = '" + sink + "' AND applied_at IS NULL")).as(sink + ": unapplied").isZero();
      }
      assertThat(testing.count("SELECT count(*) FROM results_" + run + "_staging")).isZero();
      assertThat(testing.count("SELECT count(*) FROM records_" + run + "_staging")).isZero();
    }
    for (String sink : new String[] {"failing-results", "failing-records"}) {
      assertThat(testing.count("SELECT count(DISTINCT split_part(transaction_id, ':', 5))"
          + " FROM streamsketch_sink_commits WHERE sink_id = '" + sink + "'"))
          .as(sink + ": writer attempts with committed transactions (the failures came after commits)")
          .isGreaterThan(1);
    }
    assertThat(testing.preparedTransactions()).isEmpty();
  }

  /**
   * A job cancelled after a savepoint leaves the transactions of its unfinished checkpoint prepared; a new job
   * (another JobID) restored from the savepoint commits what the savepoint owns, rolls back the rest and ends
   * with the standing results of an uninterrupted run. The rows written between savepoint and cancel are written
   * again, which the upsert by revision and the append by id absorb.
   */
  @Test
  void aJobRestoredFromASavepointLeavesNoPreparedTransactionAndTheStandingResults() throws Exception {
    FAIL_AT.clear();
    JobClient first = pipeline("savepoint", new Configuration()).executeAsync("postgres sink before the savepoint");
    pollUntil(() -> testing.count("SELECT count(*) FROM records_savepoint") > 0, "first rows committed");
    String savepoint = first.triggerSavepoint(checkpoints.resolve("savepoints").toUri().toString(),
        SavepointFormatType.CANONICAL).get();
    pollUntil(() -> testing.count("SELECT count(*) FROM records_savepoint") > RECORDS / 4, "rows after the savepoint");
    first.cancel().get();
    pollUntil(() -> first.getJobStatus().get() == JobStatus.CANCELED, "the first job cancelled");

    Configuration restore = new Configuration();
    restore.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
    pipeline("savepoint", restore).execute("postgres sink restored from the savepoint");

    assertThat(standing("results_savepoint")).isEqualTo(expectedStanding());
    assertThat(testing.count("SELECT count(*) FROM records_savepoint")).isEqualTo(RECORDS);
    assertThat(testing.count("SELECT count(*) FROM records_savepoint_staging")).isZero();
    assertThat(testing.count("SELECT count(*) FROM streamsketch_sink_commits WHERE sink_id LIKE 'savepoint-%'"
        + " AND applied_at IS NULL")).isZero();
    assertThat(testing.preparedTransactions()).isEmpty();
  }

  private interface Condition {
    boolean holds() throws Exception;
  }

  private static void pollUntil(Condition condition, String what) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (!condition.holds()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 2 minutes: " + what);
      }
      TimeUnit.MILLISECONDS.sleep(20);
    }
  }

  /** Per key, the revision and value of its last record. */
  private static Map<String, String> expectedStanding() {
    Map<String, String> expected = new TreeMap<>();
    for (long i = RECORDS - KEYS; i < RECORDS; i++) {
      expected.put("k" + (i % KEYS), (i / KEYS) + "/" + i);
    }
    return expected;
  }

  private Map<String, String> standing(String table) throws Exception {
    Map<String, String> rows = new TreeMap<>();
    for (String row : testing.strings(
        "SELECT result_key || '=' || revision || '/' || (payload->>'value') FROM " + table)) {
      int eq = row.indexOf('=');
      rows.put(row.substring(0, eq), row.substring(eq + 1));
    }
    return rows;
  }

  private void run(String name, Set<Long> failAt) throws Exception {
    FAIL_AT.clear();
    FAIL_AT.addAll(failAt);
    FAILED_AT.clear();
    pipeline(name, new Configuration()).execute("postgres sink " + name);
  }

  /** The job, writing to the tables {@code results_<name>} and {@code records_<name>}. */
  private StreamExecutionEnvironment pipeline(String name, Configuration conf) {
    conf.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
    conf.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
    conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.resolve(name).toUri().toString());
    conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
    conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, FAILURES + 2);
    conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
    conf.set(PipelineOptions.GENERIC_TYPES, false);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    env.configure(conf);
    env.setParallelism(2);
    env.enableCheckpointing(200);

    DataGeneratorSource<Revision> source = new DataGeneratorSource<>(
        i -> new Revision("k" + (i % KEYS), i / KEYS, i), RECORDS, RateLimiterStrategy.perSecond(RECORDS_PER_SECOND),
        TypeInformation.of(Revision.class));
    DataStream<Revision> records = env.fromSource(source, WatermarkStrategy.noWatermarks(), "records")
        .uid("records")
        .map(new FailOncePerPoint())
        .name("inject-failures")
        .uid("inject-failures");
    records.sinkTo(sink(name + "-results", "results_" + name, Revision.upsertMapper()))
        .name("results").uid("results");
    records.sinkTo(sink(name + "-records", "records_" + name,
            PostgresRowMapper.<Revision>append(r -> Long.toString(r.value), Revision::toJson)))
        .name("records").uid("records-sink");
    return env;
  }

  private static PostgresSink<Revision> sink(String sinkId, String table, PostgresRowMapper<Revision> mapper) {
    PostgresSink<Revision> sink = PostgresSink.<Revision>builder().jdbcUrl(POSTGRES.jdbcUrl()).user(POSTGRES.user())
        .sinkId(sinkId).table(table).rowMapper(mapper).build();
    sink.prepareDatabase();
    return sink;
  }

  /** Throws when it meets a record of {@link #FAIL_AT} for the first time. */
  static final class FailOncePerPoint implements MapFunction<Revision, Revision> {
    @Override
    public Revision map(Revision record) {
      if (FAIL_AT.contains(record.value) && FAILED_AT.add(record.value)) {
        throw new IllegalStateException("injected failure at record " + record.value);
      }
      return record;
    }
  }
}
