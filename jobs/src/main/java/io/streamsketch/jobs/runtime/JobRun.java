package io.streamsketch.jobs.runtime;

import io.streamsketch.jobs.cli.ParsedArgs;
import io.streamsketch.jobs.cli.UsageException;
import io.streamsketch.model.ClickEvent;
import java.io.PrintStream;
import java.util.function.Supplier;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.function.SerializableFunction;

/**
 * What every job's {@code run} does around its own wiring: validated settings, the input, the environment, the
 * outputs, and the summary once the job ends.
 */
public final class JobRun {
  private final String job;
  private final String outputFolder;
  private final StreamExecutionEnvironment env;
  private final OutputFolders output;
  private final DataStream<ClickEvent> events;
  private final Restore restore;

  private JobRun(String job, ParsedArgs args) {
    EventInput input = EventInput.from(args);
    this.job = job;
    this.outputFolder = args.string("output");
    this.restore = Restore.from(args);
    OutputFolderRules.prepare(outputFolder, restore, args.flag("overwrite"));
    this.env = JobEnvironment.create(args);
    this.output = new OutputFolders(outputFolder);
    this.events = OptionsGuard.attach(input.events(env, output), args);
  }

  /** Builds a job's settings; a value they reject is a usage error naming the job. */
  public static <S> S settings(String job, Supplier<S> settings) {
    try {
      return settings.get();
    } catch (IllegalArgumentException e) {
      throw new UsageException(job + ": " + e.getMessage());
    }
  }

  /** Validates the input options, then creates the environment and the event stream. */
  public static JobRun start(String job, ParsedArgs args) {
    return new JobRun(job, args);
  }

  public DataStream<ClickEvent> events() {
    return events;
  }

  public StreamExecutionEnvironment env() {
    return env;
  }

  /** Counts {@code stream} for the summary and writes it to the output folder {@code name}, if there is one. */
  public <T> void write(DataStream<T> stream, String name, SerializableFunction<T, String> toJson) {
    output.write(stream, name, toJson);
  }

  /** Runs the job and prints its summary; returns the exit status. */
  public int execute(PrintStream out) throws Exception {
    JobExecutionResult result;
    try {
      result = env.execute(job);
    } catch (Exception e) {
      throw OptionsGuard.asUsageError(e).or(() -> restore.asUsageError(e)).orElseThrow(() -> e);
    }
    if (restore.restores()) {
      OutputFolderRules.removeLeftoverInProgressFiles(outputFolder);
    }
    JobSummary.print(out, job, result, outputFolder);
    return 0;
  }
}
