package io.streamsketch.flink.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.serialization.BulkWriter;
import org.apache.flink.connector.file.sink.FileSink;
import org.apache.flink.core.fs.FSDataOutputStream;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.functions.sink.filesystem.OutputFileConfig;
import org.apache.flink.streaming.api.functions.sink.filesystem.bucketassigners.BasePathBucketAssigner;
import org.apache.flink.streaming.api.functions.sink.filesystem.rollingpolicies.OnCheckpointRollingPolicy;
import org.apache.flink.util.function.SerializableFunction;

/**
 * Writes records as JSON lines into a folder. Each checkpoint rolls the part files and commits them, as does the end
 * of a bounded input, so results appear at every checkpoint and a reader never sees a half-written file.
 *
 * <p>The lines are written through a buffer ({@link FileSink}'s bulk format), which the sink flushes before it rolls a
 * part file: a row format's encoder writes each line straight to the part file's unbuffered stream, one system call
 * per record. Parts roll at every checkpoint either way, so the files and the sink's state are those of a row format.
 */
public final class JsonLinesSink {
  private static final int BUFFER_BYTES = 1 << 16;

  private JsonLinesSink() {}

  public static <T> FileSink<T> create(String folder, SerializableFunction<T, String> toJson) {
    BulkWriter.Factory<T> lines = stream -> new LinesWriter<>(stream, toJson);
    return FileSink.forBulkFormat(new Path(folder), lines)
        .withBucketAssigner(new BasePathBucketAssigner<>())
        .withRollingPolicy(OnCheckpointRollingPolicy.build())
        .withOutputFileConfig(OutputFileConfig.builder().withPartSuffix(".jsonl").build())
        .build();
  }

  /** One part file's lines, buffered until the sink flushes or finishes the part. */
  private static final class LinesWriter<T> implements BulkWriter<T> {
    private final BufferedOutputStream buffer;
    private final SerializableFunction<T, String> toJson;

    LinesWriter(FSDataOutputStream stream, SerializableFunction<T, String> toJson) {
      this.buffer = new BufferedOutputStream(stream, BUFFER_BYTES);
      this.toJson = toJson;
    }

    @Override
    public void addElement(T element) throws IOException {
      buffer.write(toJson.apply(element).getBytes(StandardCharsets.UTF_8));
      buffer.write('\n');
    }

    @Override
    public void flush() throws IOException {
      buffer.flush();
    }

    /** Flushes; the sink, not the writer, closes the part file's stream. */
    @Override
    public void finish() throws IOException {
      buffer.flush();
    }
  }
}
