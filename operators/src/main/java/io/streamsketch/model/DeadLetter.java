package io.streamsketch.model;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A record that could not be processed or written, with the reason: an input line that is not a valid event, or a
 * result too large for its sink (then {@code key} is that result's key and {@code line} the start of its JSON).
 */
public class DeadLetter implements OutputRecord {
  public String line;
  public String reason;
  /** The key of the record this dead letter stands for, or null for an input line (which has none). */
  public String key;

  public DeadLetter() {}

  public DeadLetter(String line, String reason) {
    this.line = line;
    this.reason = reason;
  }

  /** The dead letter of an output record that its sink cannot take: the record's key, the reason, its JSON. */
  public static DeadLetter ofRecord(OutputRecord record, String json, String reason, int maxLineChars) {
    DeadLetter deadLetter =
        new DeadLetter(json.length() <= maxLineChars ? json : json.substring(0, maxLineChars), reason);
    deadLetter.key = record.key();
    return deadLetter;
  }

  /**
   * The record's key, or for an input line the SHA-256 of the line: the same line always gets the same key, so a
   * replayed dead letter is recognisably the same one (two identical malformed lines share it too).
   */
  @Override
  public String key() {
    return key != null ? key : "sha256:" + sha256(line == null ? "" : line);
  }

  @Override
  public String toJson() {
    Json json = Json.object().field("reason", reason);
    if (key != null) {
      json.field("key", key);
    }
    return json.field("line", line).toString();
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof DeadLetter)) {
      return false;
    }
    DeadLetter that = (DeadLetter) o;
    return Objects.equals(line, that.line) && Objects.equals(reason, that.reason) && Objects.equals(key, that.key);
  }

  @Override
  public int hashCode() {
    return Objects.hash(line, reason, key);
  }

  @Override
  public String toString() {
    return toJson();
  }
}
