package io.streamsketch.jobs.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.runtime.metrics.MetricNames;
import org.apache.flink.runtime.metrics.scope.ScopeFormat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** How the reporter turns the metrics Flink registers into one sample. */
class ProgressMetricsTest {
  private final ProgressMetrics metrics = new ProgressMetrics("progress-metrics-test");

  @AfterEach
  void release() {
    metrics.release();
  }

  /** The metric group of subtask {@code subtask}, attempt {@code attempt}, of an operator. */
  static MetricGroup operator(String id, String name, int subtask, int attempt) {
    Map<String, String> variables = new HashMap<>();
    variables.put(ScopeFormat.SCOPE_OPERATOR_ID, id);
    variables.put(ScopeFormat.SCOPE_OPERATOR_NAME, name);
    variables.put(ScopeFormat.SCOPE_TASK_SUBTASK_INDEX, Integer.toString(subtask));
    variables.put(ScopeFormat.SCOPE_TASK_ATTEMPT_NUM, Integer.toString(attempt));
    return new UnregisteredMetricsGroup() {
      @Override
      public Map<String, String> getAllVariables() {
        return variables;
      }
    };
  }

  private void counter(String name, int subtask, int attempt, long count) {
    SimpleCounter counter = new SimpleCounter();
    counter.inc(count);
    metrics.notifyOfAddedMetric(counter, name, operator("id-" + name, "count-" + name, subtask, attempt));
  }

  private void watermark(String operatorId, int subtask, long watermark) {
    metrics.notifyOfAddedMetric(
        (Gauge<Long>) () -> watermark, MetricNames.IO_CURRENT_INPUT_WATERMARK, operator(operatorId, "op", subtask, 0));
  }

  @Test
  void countsAreSummedOverSubtasksAndTheOutputsAreTheOtherCountOperators() {
    counter("events", 0, 0, 300);
    counter("events", 1, 0, 200);
    counter("sliding-counts", 0, 0, 7);
    counter("sliding-counts", 1, 0, 5);
    // A counter of another operator with the same name is not an output.
    metrics.notifyOfAddedMetric(new SimpleCounter(), "events", operator("x", "event-metrics", 0, 0));

    ProgressLine.Sample sample = metrics.read();
    assertThat(sample.events()).isEqualTo(500);
    assertThat(sample.outputs()).containsExactly(Map.entry("sliding-counts", 12L));
  }

  @Test
  void aRestartedSubtasksNewAttemptReplacesItsOldCounts() {
    counter("events", 0, 0, 300);
    counter("events", 1, 0, 200);
    counter("events", 0, 1, 40);
    assertThat(metrics.read().events()).isEqualTo(240);
    counter("events", 1, 0, 999);
    assertThat(metrics.read().events()).as("an older attempt registering late does not win").isEqualTo(240 - 200 + 999);
  }

  @Test
  void theWatermarkIsTheMostAdvancedOperatorsSlowestSubtask() {
    assertThat(metrics.read().watermark()).isNull();
    watermark("source", 0, 5_000);
    watermark("source", 1, Long.MIN_VALUE); // idle from the start
    assertThat(metrics.read().watermark()).as("no operator has a watermark from all its subtasks").isNull();
    watermark("windows", 0, 3_000);
    watermark("windows", 1, 4_000);
    watermark("sink", 0, 2_000);
    assertThat(metrics.read().watermark()).isEqualTo(3_000);
  }

  @Test
  void theNewestEventTimeIsTheLargestOfTheSubtasksAndCheckpointsComeFromTheJob() {
    for (int subtask = 0; subtask < 2; subtask++) {
      long newest = 1_000 + subtask;
      metrics.notifyOfAddedMetric(
          (Gauge<Long>) () -> newest, CountEvents.NEWEST_EVENT_TIME, operator("e", "count-events", subtask, 0));
    }
    assertThat(metrics.read().checkpoints()).isNull();
    metrics.notifyOfAddedMetric((Gauge<Long>) () -> 3L, "numberOfCompletedCheckpoints", new UnregisteredMetricsGroup());
    assertThat(metrics.read().newestEventTime()).isEqualTo(1_001);
    assertThat(metrics.read().checkpoints()).isEqualTo(3);
  }

  /** The reporter Flink creates from {@code conf}, as it passes the reporter's own properties to the factory. */
  static MetricReporter reporterOf(Configuration conf) {
    Properties reporter = new Properties();
    String prefix = "metrics.reporter.streamsketch-progress.";
    conf.toMap().forEach((key, value) -> reporter.setProperty(key.substring(prefix.length()), value));
    return new ProgressMetrics.Factory().createMetricReporter(reporter);
  }

  @Test
  void flinkIsHandedTheRunsReporterByTheIdInTheConfiguration() {
    Configuration conf = new Configuration();
    metrics.configure(conf);
    assertThat(reporterOf(conf)).isSameAs(metrics);
    metrics.release();
    assertThat(reporterOf(conf)).as("after the run").isNotSameAs(metrics).isInstanceOf(ProgressMetrics.class);
  }

  @Test
  void aListOfReportersToStartGetsThisOneToo() {
    Configuration conf = new Configuration();
    conf.setString("metrics.reporters", "jmx");
    metrics.configure(conf);
    assertThat(conf.toMap()).containsEntry("metrics.reporters", "jmx,streamsketch-progress");
  }
}
