package io.streamsketch.jobs.runtime;

import io.streamsketch.flink.io.JsonLinesSink;
import io.streamsketch.model.DeadLetter;
import io.streamsketch.model.OutputRecord;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/**
 * {@code --sink files} (the default): when {@code --output} names a folder, each output is written as JSON lines to
 * a subfolder named after it; without one, outputs are only counted.
 */
public final class OutputFolders implements OutputSink {
  public static final String DEAD_LETTERS = "dead-letters";

  private final String folder;
  private final Path root;

  /** @param folder the output folder, or null to count only */
  public OutputFolders(String folder) {
    this.folder = folder;
    this.root = folder == null ? null : Paths.get(folder).toAbsolutePath();
  }

  @Override
  public <T extends OutputRecord> DataStream<DeadLetter> write(DataStream<T> records, String name) {
    if (root == null) {
      records.sinkTo(new DiscardingSink<>()).uid("discard-" + name).name("discard-" + name);
    } else {
      records
          .sinkTo(JsonLinesSink.create(root.resolve(name).toUri().toString(), OutputRecord::toJson))
          .uid("files-" + name)
          .name("files-" + name);
    }
    return null;
  }

  @Override
  public String location() {
    return folder;
  }
}
