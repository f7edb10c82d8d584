package io.streamsketch.flink.sink.postgres;

/**
 * One record as the sink stores it.
 *
 * @param key the result key ({@link TableLayout#UPSERT}) or the record id ({@link TableLayout#APPEND})
 * @param revision the firing or revision; higher replaces lower. Always 0 for APPEND.
 * @param payload the record as a JSON document
 */
public record PostgresRow(String key, long revision, String payload) {}
