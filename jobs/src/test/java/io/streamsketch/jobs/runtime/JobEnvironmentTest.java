package io.streamsketch.jobs.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamsketch.jobs.cli.OptionSet;
import io.streamsketch.jobs.cli.UsageException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.TaskManagerOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The configuration a run gets, without starting a MiniCluster. */
class JobEnvironmentTest {
  @TempDir Path dir;

  private Configuration local(String yaml, String... options) throws Exception {
    Files.writeString(dir.resolve("config.yaml"), yaml);
    List<String> args = new ArrayList<>(List.of("--conf-dir", dir.toString()));
    args.addAll(List.of(options));
    return JobEnvironment.configuration(
        new OptionSet().addAll(CommonOptions.RUNTIME).parse("test", args.toArray(String[]::new)), true);
  }

  private static Path checkpointFolder(Configuration conf) {
    return Paths.get(URI.create(conf.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY)));
  }

  @Test
  void aLocalRunGetsAtLeastAsManySlotsAsItsParallelism() throws Exception {
    String twoSlots = "taskmanager.numberOfTaskSlots: 2\nparallelism.default: 2\n";
    assertThat(local(twoSlots, "--parallelism", "3").get(TaskManagerOptions.NUM_TASK_SLOTS)).isEqualTo(3);
    assertThat(local(twoSlots, "--parallelism", "16").get(TaskManagerOptions.NUM_TASK_SLOTS)).isEqualTo(16);
    assertThat(local(twoSlots).get(TaskManagerOptions.NUM_TASK_SLOTS)).isEqualTo(2);
    assertThat(local(twoSlots, "--parallelism", "1").get(TaskManagerOptions.NUM_TASK_SLOTS)).isEqualTo(2);
    assertThat(local("parallelism.default: 5\n").get(TaskManagerOptions.NUM_TASK_SLOTS)).isEqualTo(5);
  }

  @Test
  void theRepositorysConfigurationGivesALocalRunAPerUserCheckpointFolder() throws Exception {
    Configuration conf =
        JobEnvironment.configuration(
            new OptionSet()
                .addAll(CommonOptions.RUNTIME)
                .parse("test", new String[] {"--conf-dir", Paths.get("..", "flink-conf").toString()}),
            true);
    Path checkpoints = checkpointFolder(conf);
    assertThat(checkpoints).isEqualTo(LocalFiles.checkpoints());
    assertThat(checkpoints.getParent().getFileName()).hasToString("streamsketch-" + System.getProperty("user.name"));
    assertThat(checkpoints).startsWith(Paths.get(System.getProperty("java.io.tmpdir")).toAbsolutePath());
  }

  @Test
  void aCheckpointFolderGivenWins() throws Exception {
    Path mine = dir.resolve("mine");
    assertThat(checkpointFolder(local("", "--checkpoint-dir", mine.toString()))).isEqualTo(mine);
    Path configured = dir.resolve("configured");
    assertThat(checkpointFolder(local("execution.checkpointing.dir: " + configured.toUri() + "\n")))
        .isEqualTo(configured);
  }

  @Test
  void anUnusableCheckpointFolderIsAUsageErrorBeforeTheJobStarts() throws Exception {
    Path file = Files.writeString(dir.resolve("a-file"), "not a folder");
    assertThatThrownBy(() -> local("", "--checkpoint-dir", file.resolve("checkpoints").toString()))
        .isInstanceOf(UsageException.class)
        .hasMessage("test: --checkpoint-dir " + file.resolve("checkpoints") + ": " + file + " is a file, not a folder");
    assertThatThrownBy(() -> local("execution.checkpointing.dir: " + file.toUri() + "\n"))
        .isInstanceOf(UsageException.class)
        .hasMessage("the checkpoint folder (--checkpoint-dir sets another) " + file + ": is a file, not a folder");
  }
}
