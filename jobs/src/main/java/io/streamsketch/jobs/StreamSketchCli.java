package io.streamsketch.jobs;

import io.streamsketch.jobs.cli.ParsedArgs;
import io.streamsketch.jobs.cli.UsageException;
import io.streamsketch.jobs.ctr.CtrJob;
import io.streamsketch.jobs.delayquantiles.DelayQuantilesJob;
import io.streamsketch.jobs.enrich.EnrichJob;
import io.streamsketch.jobs.firstexposure.FirstExposureJob;
import io.streamsketch.jobs.generate.GenerateCommand;
import io.streamsketch.jobs.pageskew.PageSkewJob;
import io.streamsketch.jobs.hybridcounts.HybridCountsJob;
import io.streamsketch.jobs.produce.ProduceCommand;
import io.streamsketch.jobs.runtime.JobCommand;
import io.streamsketch.jobs.runtime.LocalLogging;
import io.streamsketch.jobs.sample.SampleJob;
import io.streamsketch.jobs.sessions.SessionsJob;
import io.streamsketch.jobs.sessionsegments.SessionSegmentsJob;
import io.streamsketch.jobs.state.StateBootstrapCommand;
import io.streamsketch.jobs.state.StateInspectCommand;
import io.streamsketch.jobs.toppages.TopPagesJob;
import io.streamsketch.jobs.uniquevisitors.UniqueVisitorsJob;
import io.streamsketch.jobs.windowedcounts.WindowedCountsJob;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.LoggerFactory;

/**
 * The one entry point: {@code java -jar streamsketch-jobs.jar <command> [options]}, or the same jar under {@code
 * flink run}. Exit status: 0 on success, 2 on a usage error, 1 when a job fails. Stdout carries the summary, stderr
 * one line per error; the log goes to a file under a {@code java -jar} run (see {@link LocalLogging}).
 */
public final class StreamSketchCli {
  static final List<JobCommand> COMMANDS =
      List.of(
          new GenerateCommand(),
          new ProduceCommand(),
          new WindowedCountsJob(),
          new SessionsJob(),
          new SessionSegmentsJob(),
          new EnrichJob(),
          new CtrJob(),
          new UniqueVisitorsJob(),
          new TopPagesJob(),
          new FirstExposureJob(),
          new SampleJob(),
          new DelayQuantilesJob(),
          new PageSkewJob(),
          new HybridCountsJob(),
          new StateInspectCommand(),
          new StateBootstrapCommand());

  private StreamSketchCli() {}

  public static void main(String[] args) {
    // First, before any class creates a logger (the commands above create none when constructed).
    LocalLogging.toFile(args.length == 0 ? "streamsketch" : args[0]);
    int status = run(args, System.out, System.err);
    // A java -jar run exits explicitly: a lingering non-daemon thread of the embedded cluster must not keep its JVM
    // alive. Under flink run the client owns the JVM, so a successful submission just returns.
    if (status != 0 || StreamExecutionEnvironment.areExplicitEnvironmentsAllowed()) {
      System.exit(status);
    }
  }

  /**
   * Runs a command line; returns the exit status. A usage error or a failure is one line on {@code err}; a failure's
   * stack trace goes to the log. Separate from {@link #main} so tests can call it.
   */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
      out.print(usage());
      return args.length == 0 ? 2 : 0;
    }
    // A command is one word, or two for the subcommands of `state`.
    int words = args.length > 1 && find(args[0] + " " + args[1]) != null ? 2 : 1;
    JobCommand command = find(String.join(" ", Arrays.copyOf(args, words)));
    if (command == null) {
      err.println("unknown command '" + args[0] + "'");
      err.print(usage());
      return 2;
    }
    String[] rest = Arrays.copyOfRange(args, words, args.length);
    if (Arrays.asList(rest).contains("--help")) {
      out.println("usage: " + command.name() + " [options]");
      out.println(command.summary());
      out.println();
      out.print(command.options().help());
      return 0;
    }
    try {
      ParsedArgs parsed = command.options().parse(command.name(), rest);
      return command.run(parsed, out);
    } catch (UsageException e) {
      err.println("error: " + e.getMessage());
      return 2;
    } catch (Exception | Error e) {
      LoggerFactory.getLogger(StreamSketchCli.class).error("{} failed", command.name(), e);
      err.println(
          "error: " + command.name() + " failed: " + rootCause(e)
              + LocalLogging.file().map(file -> " (full log: " + file + ")").orElse(""));
      return 1;
    }
  }

  private static JobCommand find(String name) {
    return COMMANDS.stream().filter(c -> c.name().equals(name)).findFirst().orElse(null);
  }

  /** The innermost cause of {@code failure}, as its type and the first line of its message. */
  static String rootCause(Throwable failure) {
    Throwable root = failure;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage() == null ? "" : root.getMessage().strip().lines().findFirst().orElse("");
    return root.getClass().getSimpleName() + (message.isEmpty() ? "" : ": " + message);
  }

  static String usage() {
    StringBuilder out = new StringBuilder("usage: java -jar streamsketch-jobs.jar <command> [options]\n\ncommands:\n");
    int width = COMMANDS.stream().mapToInt(c -> c.name().length()).max().orElse(0);
    for (JobCommand command : COMMANDS) {
      out.append(String.format("  %-" + width + "s  %s%n", command.name(), command.summary()));
    }
    out.append("\n'<command> --help' lists the options of a command.\n");
    return out.toString();
  }
}
