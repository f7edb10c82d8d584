package io.streamsketch.flink.io;

import org.apache.flink.runtime.throwable.ThrowableAnnotation;
import org.apache.flink.runtime.throwable.ThrowableType;

/**
 * A job restored the generator source's state with an option that differs from the run that stored it. The
 * stored positions mean other events under other options, so the restore is refused; restarting cannot heal it, so
 * Flink fails the job at once (non-recoverable) instead of retrying.
 */
@ThrowableAnnotation(ThrowableType.NonRecoverableError)
public final class GeneratorOptionChangedException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  private final String option;

  GeneratorOptionChangedException(String option, String stored, String current) {
    super(
        "the restored state was generated with "
            + option
            + " "
            + stored
            + ", but this run has "
            + option
            + " "
            + current
            + ": the generator's options cannot change across a restore (use "
            + option
            + " "
            + stored
            + ", or start without the savepoint)");
    this.option = option;
  }

  /** The option as the CLI spells it, for example {@code --events}. */
  public String option() {
    return option;
  }
}
