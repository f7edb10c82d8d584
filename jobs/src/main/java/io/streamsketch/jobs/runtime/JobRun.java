package io.streamsketch.jobs.runtime;

import io.streamsketch.jobs.cli.ParsedArgs;
import io.streamsketch.jobs.cli.UsageException;
import io.streamsketch.model.ClickEvent;
import java.io.IOException;
import java.io.PrintStream;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.core.fs.Path;
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
  private final boolean keepCheckpoints;

  private JobRun(String job, ParsedArgs args, EventTime.Watermarks watermarks) {
    EventInput input = EventInput.from(job, args);
    this.job = job;
    PathChecks.writableFolder(args, "output");
    this.outputFolder = args.string("output");
    this.restore = Restore.from(args);
    OutputFolderRules.prepare(outputFolder, restore, args.flag("overwrite"));
    this.env = JobEnvironment.create(args);
    this.output = new OutputFolders(outputFolder);
    this.events = OptionsGuard.attach(input.events(env, output, watermarks), args);
    this.keepCheckpoints = args.flag("keep-checkpoints");
  }

  /** Builds a job's settings; a value they reject is a usage error naming the job. */
  public static <S> S settings(String job, Supplier<S> settings) {
    try {
      return settings.get();
    } catch (IllegalArgumentException e) {
      throw new UsageException(job + ": " + e.getMessage());
    }
  }

  /**
   * Validates the input options, then creates the environment and the event stream, whose sources assign the
   * timestamps and {@code watermarks} of the job.
   */
  public static JobRun start(String job, ParsedArgs args, EventTime.Watermarks watermarks) {
    return new JobRun(job, args, watermarks);
  }

  /** As {@link #start(String, ParsedArgs, EventTime.Watermarks)}, for a job that does not use event time. */
  public static JobRun start(String job, ParsedArgs args) {
    return new JobRun(job, args, null);
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
    if (result.isJobExecutionResult() && StreamExecutionEnvironment.areExplicitEnvironmentsAllowed()) {
      finishedLocally(result.getJobID(), out);
    }
    return 0;
  }

  /**
   * After a local run that finished: its checkpoint folder goes, unless {@code --keep-checkpoints}. Flink discards a
   * finished job's completed checkpoints itself, but the files of incremental RocksDB checkpoints stay behind in the
   * folder for good; a failed or cancelled run never gets here and keeps its checkpoints to be resumed from.
   */
  private void finishedLocally(JobID id, PrintStream out) throws IOException {
    Optional<String> checkpoints = env.getConfiguration().getOptional(CheckpointingOptions.CHECKPOINTS_DIRECTORY);
    if (checkpoints.isPresent()) {
      Path folder = new Path(checkpoints.get(), id.toHexString());
      if (keepCheckpoints) {
        out.println("  checkpoints in " + folder.getPath());
      } else {
        folder.getFileSystem().delete(folder, true);
      }
    }
    LocalLogging.file().ifPresent(file -> out.println("  log in " + file));
  }
}
