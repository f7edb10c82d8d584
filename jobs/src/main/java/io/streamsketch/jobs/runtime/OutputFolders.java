package io.streamsketch.jobs.runtime;

import io.streamsketch.flink.io.JsonLinesSink;
import io.streamsketch.model.DeadLetter;
import io.streamsketch.model.OutputRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.stream.Stream;
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

  /**
   * Deletes the in-progress part files that attempts which failed left behind (hidden, never results): the
   * restored attempt resumes only the files in its checkpoint and starts new ones, so Flink's {@code FileSink} never
   * touches the others again. Once the job has finished, every file still in progress is such an orphan.
   */
  @Override
  public void finished() {
    if (root == null || !Files.isDirectory(root)) {
      return;
    }
    try (Stream<Path> files = Files.walk(root)) {
      for (Path file : files.filter(OutputFolders::isInProgressPart).toList()) {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      System.err.println("note: could not delete the in-progress files failed attempts left under " + root + ": " + e);
    }
  }

  private static boolean isInProgressPart(Path file) {
    String name = file.getFileName().toString();
    return Files.isRegularFile(file) && name.startsWith(".part-") && name.contains(".inprogress.");
  }

  @Override
  public String location() {
    return folder;
  }
}
