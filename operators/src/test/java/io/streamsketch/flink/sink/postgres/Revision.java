package io.streamsketch.flink.sink.postgres;

/** A keyed result with a revision, as the sink tests write it. */
public class Revision {
  public String key;
  public long revision;
  public long value;

  public Revision() {}

  public Revision(String key, long revision, long value) {
    this.key = key;
    this.revision = revision;
    this.value = value;
  }

  public String toJson() {
    return "{\"key\":\"" + key + "\",\"revision\":" + revision + ",\"value\":" + value + "}";
  }

  static PostgresRowMapper<Revision> upsertMapper() {
    return PostgresRowMapper.upsert(r -> r.key, r -> r.revision, Revision::toJson);
  }

  @Override
  public String toString() {
    return toJson();
  }
}
