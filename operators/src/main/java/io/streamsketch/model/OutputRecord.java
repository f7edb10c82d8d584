package io.streamsketch.model;

/**
 * A record of a job's output, with what every sink needs to write it: its key, its version and its JSON.
 *
 * <p>Records that share a key are versions of one result (a window's firings, a session's revisions): the one with
 * the highest version stands, so a sink that upserts by key keeps it and never lets a lower version replace it.
 * Records that are never revised (events, dead letters) have version 0 and, where they have one, a key of their own
 * (an event's {@code eventId}).
 */
public interface OutputRecord {
  /** What the record is about, the same for every version of one result; never null. */
  String key();

  /** The record's version among those with its key: a window's {@code firing}, a session's {@code revision}. */
  default long version() {
    return 0;
  }

  /** The record as one JSON object, the value every sink writes. */
  String toJson();
}
