package io.streamsketch.jobs.runtime;

import java.io.PrintStream;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.JobExecutionResult;

/**
 * The short summary a job prints on stdout when it ends: its time and every output's record count (the accumulators
 * that are counts; a job prints its other accumulators itself).
 */
public final class JobSummary {
  private JobSummary() {}

  public static void print(PrintStream out, String job, JobExecutionResult result, String outputFolder) {
    if (!result.isJobExecutionResult()) {
      out.println(job + " submitted as job " + result.getJobID() + " (detached: no summary)");
      return;
    }
    out.printf("%s finished in %.1f s%n", job, result.getNetRuntime() / 1000.0);
    Map<String, Long> counts = new TreeMap<>();
    result.getAllAccumulatorResults().forEach((name, value) -> {
      if (value instanceof Long count) {
        counts.put(name, count);
      }
    });
    int width = counts.keySet().stream().mapToInt(String::length).max().orElse(0);
    counts.forEach((name, count) -> out.printf("  %-" + width + "s  %,d%n", name, count));
    if (outputFolder != null) {
      out.println("  results in " + outputFolder);
    }
  }
}
