package io.streamsketch.jobs;

import io.streamsketch.jobs.cli.ParsedArgs;
import io.streamsketch.jobs.cli.UsageException;
import io.streamsketch.jobs.ctr.CtrJob;
import io.streamsketch.jobs.enrich.EnrichJob;
import io.streamsketch.jobs.firstexposure.FirstExposureJob;
import io.streamsketch.jobs.generate.GenerateCommand;
import io.streamsketch.jobs.runtime.JobCommand;
import io.streamsketch.jobs.sample.SampleJob;
import io.streamsketch.jobs.sessions.SessionsJob;
import io.streamsketch.jobs.state.StateBootstrapCommand;
import io.streamsketch.jobs.state.StateInspectCommand;
import io.streamsketch.jobs.toppages.TopPagesJob;
import io.streamsketch.jobs.uniquevisitors.UniqueVisitorsJob;
import io.streamsketch.jobs.windowedcounts.WindowedCountsJob;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The one entry point: {@code java -jar streamsketch-jobs.jar <command> [options]}, or the same jar under {@code
 * flink run}. Exit status: 0 on success, 2 on a usage error, 1 when a job fails.
 */
public final class StreamSketchCli {
  static final List<JobCommand> COMMANDS =
      List.of(
          new GenerateCommand(),
          new WindowedCountsJob(),
          new SessionsJob(),
          new EnrichJob(),
          new CtrJob(),
          new UniqueVisitorsJob(),
          new TopPagesJob(),
          new FirstExposureJob(),
          new SampleJob(),
          new StateInspectCommand(),
          new StateBootstrapCommand());

  private StreamSketchCli() {}

  public static void main(String[] args) {
    int status;
    try {
      status = run(args, System.out, System.err);
    } catch (Exception e) {
      e.printStackTrace();
      status = 1;
    }
    // A java -jar run exits explicitly: a lingering non-daemon thread of the embedded cluster must not keep its JVM
    // alive. Under flink run the client owns the JVM, so a successful submission just returns.
    if (status != 0 || StreamExecutionEnvironment.areExplicitEnvironmentsAllowed()) {
      System.exit(status);
    }
  }

  /** Runs a command line; returns the exit status. Separate from {@link #main} so tests can call it. */
  public static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
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
    }
  }

  private static JobCommand find(String name) {
    return COMMANDS.stream().filter(c -> c.name().equals(name)).findFirst().orElse(null);
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
