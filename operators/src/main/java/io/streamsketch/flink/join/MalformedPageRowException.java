package io.streamsketch.flink.join;

/** A line of {@code pages.csv} that is not a valid row. */
public final class MalformedPageRowException extends Exception {
  private static final long serialVersionUID = 1L;

  public MalformedPageRowException(String message) {
    super(message);
  }
}
