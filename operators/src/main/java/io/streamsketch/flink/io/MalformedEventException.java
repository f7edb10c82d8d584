package io.streamsketch.flink.io;

/** An input line is not a valid event; the message is the reason written to the dead-letter output. */
public final class MalformedEventException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public MalformedEventException(String reason) {
    super(reason);
  }
}
