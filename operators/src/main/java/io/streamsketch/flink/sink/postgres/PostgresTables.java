package io.streamsketch.flink.sink.postgres;

import java.io.Serializable;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The tables of one sink: the target table, its staging and rejected tables, and the commit markers shared by all
 * sinks of a schema. Creates them if absent and checks an existing table's columns before the first row.
 *
 * <p>Rows are staged (plain inserts, no unique index) inside the prepared transaction and merged into the target
 * table by the committer right after {@code COMMIT PREPARED}. A prepared transaction thus never holds a lock on a
 * target row: one that did would block the writer's next transaction on the same key, in the very thread that has
 * to commit it.
 */
final class PostgresTables implements Serializable {
  private static final long serialVersionUID = 1L;

  static final String MARKER_TABLE = "streamsketch_sink_commits";
  /** A table name without schema; the longest suffix, "_rejected", keeps it within PostgreSQL's 63 bytes. */
  private static final Pattern TABLE = Pattern.compile("([a-z_][a-z0-9_]{0,62}\\.)?[a-z_][a-z0-9_]{0,53}");

  private final String schemaPrefix;
  private final String name;
  private final TableLayout layout;

  PostgresTables(String qualifiedName, TableLayout layout) {
    if (!TABLE.matcher(qualifiedName).matches()) {
      throw new IllegalArgumentException(
          "table must be [schema.]name in lower case letters, digits and _ (name at most 54 characters), got: "
              + qualifiedName);
    }
    int dot = qualifiedName.indexOf('.');
    this.schemaPrefix = dot < 0 ? "" : qualifiedName.substring(0, dot + 1);
    this.name = qualifiedName.substring(dot + 1);
    this.layout = layout;
  }

  String target() {
    return schemaPrefix + name;
  }

  String staging() {
    return schemaPrefix + name + "_staging";
  }

  String rejected() {
    return schemaPrefix + name + "_rejected";
  }

  String markers() {
    return schemaPrefix + MARKER_TABLE;
  }

  TableLayout layout() {
    return layout;
  }

  private String keyColumn() {
    return layout == TableLayout.UPSERT ? "result_key" : "record_id";
  }

  /** The DDL, in the order it runs (README.md shows it). */
  List<String> ddl() {
    return new ArrayList<>(ddlByObject().values());
  }

  /** Each object's CREATE statement, by the object's name. */
  private Map<String, String> ddlByObject() {
    Map<String, String> ddl = new LinkedHashMap<>();
    ddl.put(target(), layout == TableLayout.UPSERT
        ? "CREATE TABLE IF NOT EXISTS " + target() + " (result_key text PRIMARY KEY, revision bigint NOT NULL,"
            + " payload jsonb NOT NULL, written_at timestamptz NOT NULL DEFAULT now())"
        : "CREATE TABLE IF NOT EXISTS " + target() + " (record_id text PRIMARY KEY, payload jsonb NOT NULL,"
            + " written_at timestamptz NOT NULL DEFAULT now())");
    ddl.put(staging(), "CREATE TABLE IF NOT EXISTS " + staging() + " (transaction_id text NOT NULL,"
        + " seq integer NOT NULL, row_key text NOT NULL, revision bigint NOT NULL, payload jsonb,"
        + " rejected_reason text, payload_bytes integer NOT NULL, payload_head text)");
    String stagingIndex = schemaPrefix + name + "_staging_transaction";
    ddl.put(stagingIndex, "CREATE INDEX IF NOT EXISTS " + name + "_staging_transaction ON " + staging()
        + " (transaction_id)");
    ddl.put(rejected(), "CREATE TABLE IF NOT EXISTS " + rejected() + " (record_id text PRIMARY KEY,"
        + " row_key text NOT NULL, reason text NOT NULL, payload_bytes integer NOT NULL,"
        + " payload_head text NOT NULL, written_at timestamptz NOT NULL DEFAULT now())");
    ddl.put(markers(), "CREATE TABLE IF NOT EXISTS " + markers() + " (transaction_id text PRIMARY KEY,"
        + " sink_id text NOT NULL, target_table text NOT NULL, subtask integer NOT NULL,"
        + " checkpoint_label bigint NOT NULL, row_count bigint NOT NULL,"
        + " prepared_at timestamptz NOT NULL DEFAULT now(), applied_at timestamptz)");
    return ddl;
  }

  /** Expected columns (name to type, as information_schema spells it) and the single-column unique key. */
  private Map<String, Map<String, String>> expectedColumns() {
    Map<String, Map<String, String>> tables = new LinkedHashMap<>();
    Map<String, String> target = new LinkedHashMap<>();
    target.put(keyColumn(), "text");
    if (layout == TableLayout.UPSERT) {
      target.put("revision", "bigint");
    }
    target.put("payload", "jsonb");
    tables.put(target(), target);
    tables.put(staging(), Map.of("transaction_id", "text", "seq", "integer", "row_key", "text", "revision", "bigint",
        "payload", "jsonb", "rejected_reason", "text", "payload_bytes", "integer", "payload_head", "text"));
    tables.put(rejected(), Map.of("record_id", "text", "row_key", "text", "reason", "text", "payload_bytes", "integer",
        "payload_head", "text"));
    tables.put(markers(), Map.of("transaction_id", "text", "sink_id", "text", "target_table", "text",
        "subtask", "integer", "checkpoint_label", "bigint", "row_count", "bigint", "applied_at",
        "timestamp with time zone"));
    return tables;
  }

  private Map<String, String> uniqueKeys() {
    return Map.of(target(), keyColumn(), rejected(), "record_id", markers(), "transaction_id");
  }

  /**
   * Creates the absent tables, then checks that each has the columns the sink writes, with their types, its
   * unique key, and no other column that an insert would have to fill. Serialised by an advisory lock, since
   * concurrent CREATE TABLE IF NOT EXISTS of one name can fail. Objects that exist are not touched at all:
   * CREATE INDEX IF NOT EXISTS locks its table before it looks, and would wait for ever on a transaction
   * prepared before a restart, which holds a lock on the staging table until it is committed.
   */
  void createOrCheck(Connection connection) throws SQLException {
    boolean autoCommit = connection.getAutoCommit();
    connection.setAutoCommit(false);
    try (Statement statement = connection.createStatement();
        PreparedStatement exists = connection.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
      statement.execute("SELECT pg_advisory_xact_lock(hashtext('" + MARKER_TABLE + "'))");
      for (Map.Entry<String, String> object : ddlByObject().entrySet()) {
        exists.setString(1, object.getKey());
        try (ResultSet rs = exists.executeQuery()) {
          rs.next();
          if (!rs.getBoolean(1)) {
            statement.execute(object.getValue());
          }
        }
      }
      connection.commit();
    } catch (SQLException e) {
      connection.rollback();
      throw e;
    } finally {
      connection.setAutoCommit(autoCommit);
    }
    for (Map.Entry<String, Map<String, String>> table : expectedColumns().entrySet()) {
      check(connection, table.getKey(), table.getValue(), uniqueKeys().get(table.getKey()));
    }
  }

  private static void check(Connection connection, String table, Map<String, String> expected, String uniqueKey)
      throws SQLException {
    Map<String, String> actual = new HashMap<>();
    Set<String> mustFill = new HashSet<>();
    try (PreparedStatement query = connection.prepareStatement(
        "SELECT a.attname, format_type(a.atttypid, NULL), a.attnotnull AND NOT a.atthasdef"
            + " FROM pg_attribute a WHERE a.attrelid = ?::regclass AND a.attnum > 0 AND NOT a.attisdropped")) {
      query.setString(1, table);
      try (ResultSet rs = query.executeQuery()) {
        while (rs.next()) {
          actual.put(rs.getString(1), rs.getString(2));
          if (rs.getBoolean(3)) {
            mustFill.add(rs.getString(1));
          }
        }
      }
    }
    for (Map.Entry<String, String> column : expected.entrySet()) {
      String type = actual.get(column.getKey());
      if (type == null) {
        throw incompatible(table, "it has no column " + column.getKey() + " " + column.getValue());
      }
      if (!type.equals(column.getValue())) {
        throw incompatible(table, "column " + column.getKey() + " is " + type + ", expected " + column.getValue());
      }
    }
    mustFill.removeAll(expected.keySet());
    if (!mustFill.isEmpty()) {
      throw incompatible(table, "columns " + mustFill + " are NOT NULL without a default, and the sink does not fill them");
    }
    if (uniqueKey != null && !hasSingleColumnUniqueIndex(connection, table, uniqueKey)) {
      throw incompatible(table, "column " + uniqueKey + " has no primary key or unique index of its own");
    }
  }

  private static boolean hasSingleColumnUniqueIndex(Connection connection, String table, String column)
      throws SQLException {
    try (PreparedStatement query = connection.prepareStatement(
        "SELECT 1 FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]"
            + " WHERE i.indrelid = ?::regclass AND i.indisunique AND i.indnkeyatts = 1 AND i.indpred IS NULL"
            + " AND a.attname = ?")) {
      query.setString(1, table);
      query.setString(2, column);
      try (ResultSet rs = query.executeQuery()) {
        return rs.next();
      }
    }
  }

  private static PostgresSinkException incompatible(String table, String why) {
    return new PostgresSinkException("PostgreSQL table " + table + " is incompatible with the sink: " + why
        + " (README.md, section PostgreSQL, has the expected DDL)");
  }

  String insertStagedSql() {
    return "INSERT INTO " + staging() + " (transaction_id, seq, row_key, revision, payload, rejected_reason,"
        + " payload_bytes, payload_head) VALUES (?, ?, ?, ?, ?::jsonb, ?, ?, ?)";
  }

  String insertMarkerSql() {
    return "INSERT INTO " + markers() + " (transaction_id, sink_id, target_table, subtask, checkpoint_label, row_count)"
        + " VALUES (?, ?, ?, ?, ?, ?)";
  }

  String markerExistsSql() {
    return "SELECT 1 FROM " + markers() + " WHERE transaction_id = ?";
  }

  /**
   * Statements that merge one committed transaction's staged rows into the target and rejected tables, drop them
   * and mark the transaction applied; each has the transaction id as its only parameter. Running them again
   * changes nothing. DISTINCT ON keeps one row per key, since one INSERT ... ON CONFLICT may not touch a row twice:
   * the highest revision, and of equal revisions the last one written.
   */
  List<String> applySql() {
    String merge = layout == TableLayout.UPSERT
        ? "INSERT INTO " + target() + " AS t (result_key, revision, payload)"
            + " SELECT DISTINCT ON (row_key) row_key, revision, payload FROM " + staging()
            + " WHERE transaction_id = ? AND rejected_reason IS NULL ORDER BY row_key, revision DESC, seq DESC"
            + " ON CONFLICT (result_key) DO UPDATE SET revision = excluded.revision, payload = excluded.payload,"
            + " written_at = now() WHERE excluded.revision >= t.revision"
        : "INSERT INTO " + target() + " (record_id, payload)"
            + " SELECT DISTINCT ON (row_key) row_key, payload FROM " + staging()
            + " WHERE transaction_id = ? AND rejected_reason IS NULL ORDER BY row_key, seq"
            + " ON CONFLICT (record_id) DO NOTHING";
    String reject = "INSERT INTO " + rejected() + " (record_id, row_key, reason, payload_bytes, payload_head)"
        + " SELECT DISTINCT ON (1) md5(row_key || ':' || revision || ':' || payload_bytes || ':' || payload_head),"
        + " row_key, rejected_reason, payload_bytes, payload_head FROM " + staging()
        + " WHERE transaction_id = ? AND rejected_reason IS NOT NULL ORDER BY 1, seq"
        + " ON CONFLICT (record_id) DO NOTHING";
    return List.of(
        merge,
        reject,
        "DELETE FROM " + staging() + " WHERE transaction_id = ?",
        "UPDATE " + markers() + " SET applied_at = now() WHERE transaction_id = ? AND applied_at IS NULL");
  }
}
