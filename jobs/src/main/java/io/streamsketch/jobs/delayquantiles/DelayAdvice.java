package io.streamsketch.jobs.delayquantiles;

import io.streamsketch.flink.aggregate.KllAccumulator;
import io.streamsketch.jobs.runtime.SketchWindows;
import io.streamsketch.model.EventDelay;
import io.streamsketch.sketch.quantiles.KllSketch;
import java.io.PrintStream;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;

/**
 * The advice a finished {@code delay-quantiles} run prints: watermark settings from the delays of the whole run (a
 * {@link KllAccumulator} of every delay), and what fraction of events each would have put behind the watermark or
 * dropped.
 *
 * <p>Why these fractions: a split's watermark is its largest event time minus the out-of-orderness (minus 1 ms), so
 * an event is behind the watermark of its own split exactly when its delay exceeds the out-of-orderness; and a window
 * drops an event only when the watermark has passed the window's end plus the allowed lateness, which needs a delay
 * above out-of-orderness + allowed lateness. Both are upper bounds across splits: the job's watermark is the smallest
 * split's, which only holds events back less.
 */
final class DelayAdvice {
  /** The accumulator's name; it is not printed among the counts. */
  static final String ACCUMULATOR = "delays";

  private DelayAdvice() {}

  /** Adds each delay to the run's sketch and passes it on. */
  static final class Collect extends RichMapFunction<EventDelay, EventDelay> {
    private static final long serialVersionUID = 1L;

    private final int k;
    private transient KllAccumulator delays;

    Collect(int k) {
      this.k = k;
    }

    @Override
    public void open(OpenContext openContext) {
      // One seed per subtask: the sketches merged at the JobManager draw independent compaction coins.
      delays = new KllAccumulator(k, KllSketch.DEFAULT_SEED + getRuntimeContext().getTaskInfo().getIndexOfThisSubtask());
      getRuntimeContext().addAccumulator(ACCUMULATOR, delays);
    }

    @Override
    public EventDelay map(EventDelay delay) {
      delays.add((double) delay.delay);
      return delay;
    }
  }

  /** Prints the advice of a finished run; nothing for a detached one. */
  static void print(JobExecutionResult result, SketchWindows windows, PrintStream out) {
    if (!result.isJobExecutionResult()) {
      return;
    }
    Object bytes = result.getAccumulatorResult(ACCUMULATOR);
    KllSketch delays = bytes == null ? null : KllSketch.fromBytes((byte[]) bytes);
    if (delays == null || delays.isEmpty()) {
      out.println("  advice: no events, no delays to advise on");
      return;
    }
    long p99 = (long) delays.quantile(0.99);
    long p999 = (long) delays.quantile(0.999);
    long max = (long) delays.max();
    double error = delays.isEstimationMode() ? delays.normalizedRankError(false) : 0;
    out.printf(
        "  advice, from the %,d delays of this run (max %,d ms; shares within ±%.2f%% at 99%% confidence):%n",
        delays.n(), max, 100 * error);
    advise(out, delays, "p99", p99, max);
    advise(out, delays, "p99.9", p999, max);
    long outOfOrderness = windows.outOfOrderness().toMillis();
    long lateness = windows.allowedLateness().toMillis();
    out.printf(
        "    this run's --out-of-orderness %dms --allowed-lateness %dms: %.3f%% behind the watermark, at most %.3f%% dropped%n",
        outOfOrderness, lateness, behind(delays, outOfOrderness), behind(delays, outOfOrderness + lateness));
  }

  /** One suggestion: an out-of-orderness, what it puts behind the watermark, and the lateness that drops nothing. */
  private static void advise(PrintStream out, KllSketch delays, String quantile, long outOfOrderness, long max) {
    out.printf(
        "    --out-of-orderness %dms (%s): %.3f%% of events behind the watermark;"
            + " with --allowed-lateness %dms (max − it) none dropped%n",
        outOfOrderness, quantile, behind(delays, outOfOrderness), max - outOfOrderness);
  }

  /** The percentage of delays above {@code millis}. */
  private static double behind(KllSketch delays, long millis) {
    return 100 * (1 - delays.rank(millis));
  }
}
