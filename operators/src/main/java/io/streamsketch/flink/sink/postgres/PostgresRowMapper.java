package io.streamsketch.flink.sink.postgres;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import org.apache.flink.util.function.SerializableFunction;

/**
 * Maps a job's output record to the row the sink stores, and decides the table's layout.
 *
 * <pre>{@code
 * PostgresRowMapper.upsert(PageWindowCount::key, c -> c.firing, PageWindowCount::toJson)   // results
 * PostgresRowMapper.append(DeadLetter::toJson)                                             // dead letters
 * }</pre>
 */
public final class PostgresRowMapper<T> implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The revision of a result record: its window firing, or any number that grows with each update. */
  @FunctionalInterface
  public interface RevisionFunction<T> extends Serializable {
    long revisionOf(T record);
  }

  private final TableLayout layout;
  /** Null for an append whose id is the hash of its payload. */
  private final SerializableFunction<T, String> key;
  private final RevisionFunction<T> revision;
  private final SerializableFunction<T, String> toJson;

  private PostgresRowMapper(
      TableLayout layout,
      SerializableFunction<T, String> key,
      RevisionFunction<T> revision,
      SerializableFunction<T, String> toJson) {
    this.layout = layout;
    this.key = key;
    this.revision = revision;
    this.toJson = Objects.requireNonNull(toJson, "toJson");
  }

  /** Results upserted by {@code key}; a record with a lower {@code revision} never replaces a stored one. */
  public static <T> PostgresRowMapper<T> upsert(
      SerializableFunction<T, String> key, RevisionFunction<T> revision, SerializableFunction<T, String> toJson) {
    return new PostgresRowMapper<>(
        TableLayout.UPSERT, Objects.requireNonNull(key, "key"), Objects.requireNonNull(revision, "revision"), toJson);
  }

  /**
   * Records appended with the SHA-256 of their JSON as id: a replay adds nothing, and two identical records are
   * stored once.
   */
  public static <T> PostgresRowMapper<T> append(SerializableFunction<T, String> toJson) {
    return new PostgresRowMapper<>(TableLayout.APPEND, null, record -> 0L, toJson);
  }

  /** Records appended under a unique id of their own (an event id, a source offset). */
  public static <T> PostgresRowMapper<T> append(SerializableFunction<T, String> id, SerializableFunction<T, String> toJson) {
    return new PostgresRowMapper<>(TableLayout.APPEND, Objects.requireNonNull(id, "id"), record -> 0L, toJson);
  }

  /** A key of several fields as one text value, joined by {@code |}: {@code p10|1767225600000|1767225660000}. */
  public static String compositeKey(Object... fields) {
    StringBuilder key = new StringBuilder();
    for (int i = 0; i < fields.length; i++) {
      if (i > 0) {
        key.append('|');
      }
      key.append(fields[i]);
    }
    return key.toString();
  }

  public TableLayout layout() {
    return layout;
  }

  public PostgresRow toRow(T record) {
    String payload = toJson.apply(record);
    if (payload == null) {
      throw new PostgresSinkException("the row mapper's toJson returned null for " + record);
    }
    String rowKey = key == null ? sha256(payload) : key.apply(record);
    if (rowKey == null) {
      throw new PostgresSinkException("the row mapper's key returned null for " + payload);
    }
    return new PostgresRow(rowKey, revision.revisionOf(record), payload);
  }

  static String sha256(String text) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
