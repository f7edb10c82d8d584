package io.streamsketch.jobs.runtime;

import io.streamsketch.flink.io.CountRecords;
import io.streamsketch.flink.io.JsonLinesSink;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.util.function.SerializableFunction;

/**
 * A job's outputs: each stream is counted for the summary and, when {@code --output} names a folder, written as JSON
 * lines to a subfolder named after the output.
 */
public final class OutputFolders {
  public static final String DEAD_LETTERS = "dead-letters";

  private final Path root;

  /** @param root the output folder, or null to count only */
  public OutputFolders(String root) {
    this.root = root == null ? null : Paths.get(root).toAbsolutePath();
  }

  public <T> void write(DataStream<T> stream, String name, SerializableFunction<T, String> toJson) {
    DataStream<T> counted =
        stream.map(new CountRecords<>(name)).returns(stream.getType()).uid("count-" + name).name("count-" + name);
    if (root == null) {
      counted.sinkTo(new DiscardingSink<>()).uid("discard-" + name).name("discard-" + name);
    } else {
      counted.sinkTo(JsonLinesSink.create(root.resolve(name).toUri().toString(), toJson)).uid("files-" + name).name("files-" + name);
    }
  }
}
