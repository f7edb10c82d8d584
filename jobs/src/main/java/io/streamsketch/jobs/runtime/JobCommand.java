package io.streamsketch.jobs.runtime;

import io.streamsketch.jobs.cli.OptionSet;
import io.streamsketch.jobs.cli.ParsedArgs;
import java.io.PrintStream;

/** A command of the CLI: a job, or a tool such as the generator. */
public interface JobCommand {
  /** The name on the command line, for example {@code windowed-counts}. */
  String name();

  /** One line for the command list. */
  String summary();

  OptionSet options();

  /** Runs the command, printing its summary to {@code out}; returns the process exit status. */
  int run(ParsedArgs args, PrintStream out) throws Exception;
}
