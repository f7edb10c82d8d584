package io.streamsketch.flink.io;

/**
 * An output record as a sink's bytes: its key and its JSON in UTF-8. A Flink POJO (byte arrays are serialized
 * natively), so serializing a record once before the sink costs no Kryo.
 */
public class SerializedRecord {
  public byte[] key;
  public byte[] value;

  public SerializedRecord() {}

  public SerializedRecord(byte[] key, byte[] value) {
    this.key = key;
    this.value = value;
  }
}
