package io.streamsketch.model;

import java.util.Objects;

/** An input line that could not be parsed into an event, with the reason. */
public class DeadLetter {
  public String line;
  public String reason;

  public DeadLetter() {}

  public DeadLetter(String line, String reason) {
    this.line = line;
    this.reason = reason;
  }

  public String toJson() {
    return Json.object().field("reason", reason).field("line", line).toString();
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof DeadLetter)) {
      return false;
    }
    DeadLetter that = (DeadLetter) o;
    return Objects.equals(line, that.line) && Objects.equals(reason, that.reason);
  }

  @Override
  public int hashCode() {
    return Objects.hash(line, reason);
  }

  @Override
  public String toString() {
    return toJson();
  }
}
