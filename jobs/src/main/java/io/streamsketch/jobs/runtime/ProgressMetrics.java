package io.streamsketch.jobs.runtime;

import java.util.Map;
import java.util.Properties;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MetricOptions;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;
import org.apache.flink.runtime.metrics.MetricNames;
import org.apache.flink.runtime.metrics.scope.ScopeFormat;

/**
 * A metric reporter of the embedded MiniCluster that keeps the Flink metrics the progress line reads: the counters of
 * the {@code count-<name>} operators (the input's {@code events} and every output), the input's newest event time
 * ({@link CountEvents}), every operator's {@code currentInputWatermark} and the job's {@code
 * numberOfCompletedCheckpoints}. It reads them when asked ({@link #read}); it counts nothing itself.
 *
 * <p>Flink creates reporters from the configuration through {@link Factory}; the run's instance is handed over by
 * the id the configuration carries ({@link #configure}), so two runs in one JVM never share one.
 *
 * <p>A subtask's metrics are kept after its task ends, so the counts of a finished subtask stay in the sum; a new
 * attempt of a subtask (after a restart) replaces the metrics of the one before, as Flink's web UI shows them.
 */
final class ProgressMetrics implements MetricReporter {
  private static final String NAME = "streamsketch-progress";
  private static final String REPORTER = "metrics.reporter." + NAME + ".";
  private static final String RUN = "run";
  private static final Map<String, ProgressMetrics> RUNS = new ConcurrentHashMap<>();
  private static final String COUNT_PREFIX = "count-";
  private static final String CHECKPOINTS = "numberOfCompletedCheckpoints";

  private final String run;
  // Per output name (the input's "events" included), per subtask.
  private final Map<String, Map<Integer, Registered>> counters = new ConcurrentHashMap<>();
  private final Map<Integer, Registered> newestEventTimes = new ConcurrentHashMap<>();
  // Per operator id, per subtask.
  private final Map<String, Map<Integer, Registered>> watermarks = new ConcurrentHashMap<>();
  private volatile Gauge<?> checkpoints;

  /** A reporter for the run {@code run}, to be put in its configuration with {@link #configure}. */
  ProgressMetrics(String run) {
    this.run = run;
  }

  /** Makes the MiniCluster started with {@code conf} report to this reporter, until {@link #release}. */
  void configure(Configuration conf) {
    RUNS.put(run, this);
    conf.setString(REPORTER + "factory.class", Factory.class.getName());
    conf.setString(REPORTER + RUN, run);
    // A configuration that lists the reporters to start would leave this one out.
    conf.getOptional(MetricOptions.REPORTERS_LIST)
        .ifPresent(reporters -> conf.set(MetricOptions.REPORTERS_LIST, reporters + "," + NAME));
  }

  /** The run is over: the reporter is no longer handed out. */
  void release() {
    RUNS.remove(run, this);
  }

  /** The metrics' values now. */
  ProgressLine.Sample read() {
    long events = sum(counters.getOrDefault(CountEvents.NAME, Map.of()));
    SortedMap<String, Long> outputs = new TreeMap<>();
    counters.forEach(
        (name, subtasks) -> {
          if (!name.equals(CountEvents.NAME)) {
            outputs.put(name, sum(subtasks));
          }
        });
    long newest = Long.MIN_VALUE;
    for (Registered subtask : newestEventTimes.values()) {
      newest = Math.max(newest, subtask.longValue());
    }
    Gauge<?> completed = checkpoints;
    return new ProgressLine.Sample(
        events,
        newest == Long.MIN_VALUE ? null : newest,
        watermark(),
        completed == null ? null : ((Number) completed.getValue()).longValue(),
        outputs);
  }

  /**
   * The job's watermark: per operator the smallest input watermark of its subtasks, and of those the largest. The
   * furthest operator is the one that combines all inputs (a source subtask that is idle, or one ahead of the others,
   * does not count there); null while no operator has a watermark.
   */
  private Long watermark() {
    Long job = null;
    for (Map<Integer, Registered> subtasks : watermarks.values()) {
      long operator = Long.MAX_VALUE;
      for (Registered subtask : subtasks.values()) {
        operator = Math.min(operator, subtask.longValue());
      }
      if (operator != Long.MIN_VALUE && (job == null || operator > job)) {
        job = operator;
      }
    }
    return job;
  }

  private static long sum(Map<Integer, Registered> subtasks) {
    long sum = 0;
    for (Registered subtask : subtasks.values()) {
      sum += subtask.longValue();
    }
    return sum;
  }

  @Override
  public void open(MetricConfig config) {}

  @Override
  public void close() {}

  @Override
  public void notifyOfAddedMetric(Metric metric, String name, MetricGroup group) {
    Map<String, String> variables = group.getAllVariables();
    String operator = variables.get(ScopeFormat.SCOPE_OPERATOR_NAME);
    if (operator == null) {
      if (name.equals(CHECKPOINTS) && metric instanceof Gauge<?> gauge) {
        checkpoints = gauge;
      }
      return;
    }
    int subtask = Integer.parseInt(variables.getOrDefault(ScopeFormat.SCOPE_TASK_SUBTASK_INDEX, "0"));
    Registered registered =
        new Registered(Integer.parseInt(variables.getOrDefault(ScopeFormat.SCOPE_TASK_ATTEMPT_NUM, "0")), metric);
    if (metric instanceof Counter && operator.equals(COUNT_PREFIX + name)) {
      keepLatestAttempt(counters.computeIfAbsent(name, n -> new ConcurrentHashMap<>()), subtask, registered);
    } else if (metric instanceof Gauge<?> && operator.equals(COUNT_PREFIX + CountEvents.NAME)
        && name.equals(CountEvents.NEWEST_EVENT_TIME)) {
      keepLatestAttempt(newestEventTimes, subtask, registered);
    } else if (metric instanceof Gauge<?> && name.equals(MetricNames.IO_CURRENT_INPUT_WATERMARK)) {
      String id = variables.getOrDefault(ScopeFormat.SCOPE_OPERATOR_ID, operator);
      keepLatestAttempt(watermarks.computeIfAbsent(id, i -> new ConcurrentHashMap<>()), subtask, registered);
    }
  }

  private static void keepLatestAttempt(Map<Integer, Registered> subtasks, int subtask, Registered registered) {
    subtasks.merge(subtask, registered, (old, latest) -> latest.attempt >= old.attempt ? latest : old);
  }

  @Override
  public void notifyOfRemovedMetric(Metric metric, String name, MetricGroup group) {
    // Kept: a finished subtask's last values still belong to the run (see the class comment).
  }

  /** A subtask's metric and the attempt of the subtask that registered it. */
  private record Registered(int attempt, Metric metric) {
    long longValue() {
      if (metric instanceof Counter counter) {
        return counter.getCount();
      }
      return ((Number) ((Gauge<?>) metric).getValue()).longValue();
    }
  }

  /**
   * Creates the reporters Flink finds in the configuration (through {@code META-INF/services}): the run's own, or a
   * reporter nobody reads if the configuration outlived its run.
   */
  public static final class Factory implements MetricReporterFactory {
    @Override
    public MetricReporter createMetricReporter(Properties properties) {
      String run = properties.getProperty(RUN, "");
      ProgressMetrics metrics = RUNS.get(run);
      return metrics != null ? metrics : new ProgressMetrics(run);
    }
  }
}
