package io.streamsketch.flink.sink.postgres;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/** Version 1: the transaction id (modified UTF-8) and the row count (long). */
public class PostgresCommittableSerializer implements SimpleVersionedSerializer<PostgresCommittable> {
  static final int VERSION = 1;

  @Override
  public int getVersion() {
    return VERSION;
  }

  @Override
  public byte[] serialize(PostgresCommittable committable) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeUTF(committable.transactionId());
      out.writeLong(committable.rowCount());
    }
    return bytes.toByteArray();
  }

  @Override
  public PostgresCommittable deserialize(int version, byte[] serialized) throws IOException {
    if (version != VERSION) {
      throw new IOException("unknown version " + version + " of a PostgreSQL sink committable (this build reads " + VERSION + ")");
    }
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
      return new PostgresCommittable(in.readUTF(), in.readLong());
    }
  }
}
