package io.streamsketch.sketch;

/** Thrown when bytes are not a valid serialized sketch: truncated, corrupt, of another family or version. */
public final class SketchFormatException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public SketchFormatException(String message) {
    super(message);
  }
}
