package io.streamsketch.jobs.cli;

/** A wrong command line: the message tells the user what to change. The CLI prints it and exits with status 2. */
public final class UsageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public UsageException(String message) {
    super(message);
  }
}
