package io.streamsketch.jobs.runtime;

import io.streamsketch.jobs.cli.ParsedArgs;
import io.streamsketch.jobs.cli.UsageException;
import io.streamsketch.model.ClickEvent;
import io.streamsketch.model.OutputRecord;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * What every job's {@code run} does around its own wiring: validated settings, the input, the environment, the
 * outputs, and the summary once the job ends.
 */
public final class JobRun {
  private static final Duration CHECKPOINT_DELETE_TIMEOUT = Duration.ofSeconds(10);

  private final String job;
  private final StreamExecutionEnvironment env;
  private final Outputs outputs;
  private final DataStream<ClickEvent> events;
  private final Restore restore;
  private final boolean keepCheckpoints;
  private final ProgressReporter progress;

  private JobRun(String job, ParsedArgs args, EventInput input, EventTime.Watermarks watermarks) {
    this.job = job;
    PathChecks.writableFolder(args, "output");
    this.outputs = new Outputs(OutputSinks.from(job, args));
    this.restore = Restore.from(args);
    // The --output folder of --sink files (null for the other sinks): empty, resumed into, or --overwrite.
    OutputFolderRules.prepare(args.string("output"), restore, args.flag("overwrite"));
    this.progress = ProgressReporter.forRun(args);
    this.env = JobEnvironment.create(args, progress::configure);
    this.events =
        EventMetrics.insert(
            FaultInjection.insert(
                OptionsGuard.attach(input.events(env, outputs, watermarks), args, outputs.restoreBoundOptions())),
            args.flag("event-metrics"));
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
    return new JobRun(job, args, EventInput.from(job, args), watermarks);
  }

  /** As {@link #start(String, ParsedArgs, EventTime.Watermarks)}, with an {@code input} the job chose itself. */
  public static JobRun start(String job, ParsedArgs args, EventInput input, EventTime.Watermarks watermarks) {
    return new JobRun(job, args, input, watermarks);
  }

  /** As {@link #start(String, ParsedArgs, EventTime.Watermarks)}, for a job that does not use event time. */
  public static JobRun start(String job, ParsedArgs args) {
    return new JobRun(job, args, EventInput.from(job, args), null);
  }

  public DataStream<ClickEvent> events() {
    return events;
  }

  public StreamExecutionEnvironment env() {
    return env;
  }

  /** Counts {@code stream} for the summary and writes it as the output {@code name} to the sink of the run. */
  public <T extends OutputRecord> void write(DataStream<T> stream, String name) {
    outputs.write(stream, name);
  }

  /** Runs the job and prints its summary; returns the exit status. */
  public int execute(PrintStream out) throws Exception {
    return execute(out, (result, summary) -> {});
  }

  /** As {@link #execute(PrintStream)}, with lines of the job's own ({@code epilogue}) after the summary's counts. */
  public int execute(PrintStream out, BiConsumer<JobExecutionResult, PrintStream> epilogue) throws Exception {
    outputs.wire();
    JobExecutionResult result;
    // Closed (the progress line cleared) before the summary or an error is printed.
    try (ProgressReporter running = progress.start()) {
      result = env.execute(job);
    } catch (Exception e) {
      throw OptionsGuard.asUsageError(e).or(() -> restore.asUsageError(e)).orElseThrow(() -> e);
    }
    if (result.isJobExecutionResult()) {
      // Also removes the in-progress part files an interrupted run left behind when this run restored its state.
      outputs.finished();
    }
    JobSummary.print(out, job, result, outputs.location());
    epilogue.accept(result, out);
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
        deleteWhileFlinkDiscards(folder);
      }
    }
    LocalLogging.file().ifPresent(file -> out.println("  log in " + file));
  }

  /**
   * Deletes a finished job's checkpoint folder. Flink's checkpoint cleaner may still be discarding files in it after
   * {@code execute} returns, which makes one recursive delete fail half-way; so delete until it is gone, for a while.
   */
  private static void deleteWhileFlinkDiscards(Path folder) throws IOException {
    FileSystem fs = folder.getFileSystem();
    long deadline = System.nanoTime() + CHECKPOINT_DELETE_TIMEOUT.toNanos();
    while (true) {
      try {
        if (!fs.exists(folder) || fs.delete(folder, true) && !fs.exists(folder)) {
          return;
        }
      } catch (IOException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
      }
      if (System.nanoTime() > deadline) {
        throw new IOException("could not remove the finished run's checkpoint folder " + folder);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
