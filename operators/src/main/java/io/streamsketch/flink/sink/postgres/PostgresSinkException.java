package io.streamsketch.flink.sink.postgres;

/** A failure of the PostgreSQL sink, with a message meant to be read in one line. */
public class PostgresSinkException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public PostgresSinkException(String message) {
    super(message);
  }

  public PostgresSinkException(String message, Throwable cause) {
    super(message, cause);
  }
}
