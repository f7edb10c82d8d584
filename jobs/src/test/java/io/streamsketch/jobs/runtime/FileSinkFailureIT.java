package io.streamsketch.jobs.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsketch.jobs.testing.OutputFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --sink files} under failures (see {@link SinkFailureInjection}): the committed part files hold the lines of
 * a run without failures, each once, and no in-progress or pending part file is left behind.
 */
class FileSinkFailureIT extends SinkFailureInjection {
  @TempDir Path outputs;

  @Override
  List<String> sinkOptions(String run) {
    return List.of("--output", outputs.resolve(run).toString());
  }

  @Override
  Map<String, List<String>> committedOutputs(String run) throws Exception {
    Path root = outputs.resolve(run);
    try (Stream<Path> files = Files.walk(root)) {
      assertThat(files.filter(Files::isRegularFile).map(f -> f.getFileName().toString()))
          .as("no in-progress or pending part files")
          .noneMatch(name -> name.startsWith("."));
    }
    Map<String, List<String>> lines = new TreeMap<>();
    try (Stream<Path> folders = Files.list(root)) {
      for (Path folder : folders.toList()) {
        lines.put(folder.getFileName().toString(), OutputFiles.lines(folder));
      }
    }
    return lines;
  }

  @Test
  void windowedCountsCommitsEveryResultOnceThroughFailures() throws Exception {
    Map<String, List<String>> outputs = assertExactlyOnceUnderFailures("windowed-counts", 31);
    assertThat(outputs.get("tumbling-counts")).hasSizeGreaterThan(100);
  }

  /** On RocksDB the interval join holds its buffers and cleanup timers in memory between checkpoints. */
  @Test
  void ctrCommitsEveryResultOnceThroughFailures() throws Exception {
    Map<String, List<String>> outputs = assertExactlyOnceUnderFailures("ctr", 33, "--window", "1m");
    assertThat(outputs.get("ad-ctr")).hasSizeGreaterThan(20);
  }

  @Test
  void uniqueVisitorsCommitsEveryResultOnceThroughFailures() throws Exception {
    Map<String, List<String>> outputs = assertExactlyOnceUnderFailures("unique-visitors", 32);
    assertThat(outputs.get("unique-visitors-global")).hasSizeGreaterThan(5);
  }
}
