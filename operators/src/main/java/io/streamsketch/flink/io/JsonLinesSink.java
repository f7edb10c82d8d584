package io.streamsketch.flink.io;

import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.serialization.Encoder;
import org.apache.flink.connector.file.sink.FileSink;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.functions.sink.filesystem.OutputFileConfig;
import org.apache.flink.streaming.api.functions.sink.filesystem.bucketassigners.BasePathBucketAssigner;
import org.apache.flink.streaming.api.functions.sink.filesystem.rollingpolicies.OnCheckpointRollingPolicy;
import org.apache.flink.util.function.SerializableFunction;

/**
 * Writes records as JSON lines into a folder. Each checkpoint rolls the part files and commits them, as does the end
 * of a bounded input, so results appear at every checkpoint and a reader never sees a half-written file.
 */
public final class JsonLinesSink {
  private JsonLinesSink() {}

  public static <T> FileSink<T> create(String folder, SerializableFunction<T, String> toJson) {
    Encoder<T> encoder =
        // One write per line: the part file's stream is unbuffered, so each write is a system call.
        (element, stream) -> stream.write((toJson.apply(element) + '\n').getBytes(StandardCharsets.UTF_8));
    return FileSink.forRowFormat(new Path(folder), encoder)
        .withBucketAssigner(new BasePathBucketAssigner<>())
        .withRollingPolicy(OnCheckpointRollingPolicy.build())
        .withOutputFileConfig(OutputFileConfig.builder().withPartSuffix(".jsonl").build())
        .build();
  }
}
