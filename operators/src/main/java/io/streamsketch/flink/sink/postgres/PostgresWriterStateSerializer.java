package io.streamsketch.flink.sink.postgres;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/** Version 1: the sink id (modified UTF-8) and the subtask index (int). */
public class PostgresWriterStateSerializer implements SimpleVersionedSerializer<PostgresWriterState> {
  static final int VERSION = 1;

  @Override
  public int getVersion() {
    return VERSION;
  }

  @Override
  public byte[] serialize(PostgresWriterState state) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(32);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeUTF(state.sinkId());
      out.writeInt(state.subtask());
    }
    return bytes.toByteArray();
  }

  @Override
  public PostgresWriterState deserialize(int version, byte[] serialized) throws IOException {
    if (version != VERSION) {
      throw new IOException("unknown version " + version + " of a PostgreSQL sink writer state (this build reads " + VERSION + ")");
    }
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
      return new PostgresWriterState(in.readUTF(), in.readInt());
    }
  }
}
