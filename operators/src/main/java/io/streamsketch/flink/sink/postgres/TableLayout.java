package io.streamsketch.flink.sink.postgres;

/** How a sink table holds its records (README.md, section PostgreSQL, has the DDL). */
public enum TableLayout {
  /**
   * One row per result key, holding the standing result: a record replaces the stored row only if its revision
   * (a window's firing) is at least the stored one.
   */
  UPSERT,
  /** One row per record id; a record whose id is already stored is skipped, so a replay adds nothing. */
  APPEND
}
