package io.streamsketch.jobs.runtime;

import io.streamsketch.jobs.cli.ParsedArgs;
import io.streamsketch.jobs.cli.UsageException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.function.Consumer;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Builds a job's execution environment. Under {@code java -jar} the job runs on an embedded MiniCluster configured
 * from {@code flink-conf/config.yaml}; under {@code flink run} the cluster's configuration applies. In both, the
 * command-line overrides win, and generic types stay disabled so no state falls back to Kryo.
 */
public final class JobEnvironment {
  private JobEnvironment() {}

  /** The environment of a run with {@code args}; {@code settings} are added to its configuration last. */
  public static StreamExecutionEnvironment create(ParsedArgs args, Consumer<Configuration> settings) {
    boolean local = StreamExecutionEnvironment.areExplicitEnvironmentsAllowed();
    Configuration conf = configuration(args, local);
    settings.accept(conf);
    if (local && args.flag("web-ui")) {
      return StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(conf);
    }
    if (local) {
      // Without the web UI nobody needs a known port, and a fixed one would stop two local runs side by side.
      conf.set(RestOptions.BIND_PORT, "0");
    }
    return StreamExecutionEnvironment.getExecutionEnvironment(conf);
  }

  /**
   * The configuration of a run: for a local run the file's, with a per-user checkpoint folder if it names none and at
   * least as many task slots as the parallelism; then the command-line overrides.
   */
  static Configuration configuration(ParsedArgs args, boolean local) {
    Configuration conf = local ? localConfiguration(args) : new Configuration();
    if (args.has("state-backend")) {
      conf.set(StateBackendOptions.STATE_BACKEND, args.choice("state-backend", "hashmap", "rocksdb"));
    }
    if (args.has("checkpoint-dir")) {
      PathChecks.writableFolder(args, "checkpoint-dir");
      conf.set(
          CheckpointingOptions.CHECKPOINTS_DIRECTORY,
          Paths.get(args.string("checkpoint-dir")).toAbsolutePath().toUri().toString());
    } else if (local) {
      if (!conf.contains(CheckpointingOptions.CHECKPOINTS_DIRECTORY)) {
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, LocalFiles.checkpoints().toUri().toString());
      }
      URI checkpoints = URI.create(conf.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY));
      if ("file".equals(checkpoints.getScheme())) {
        PathChecks.writableFolder(Paths.get(checkpoints), "the checkpoint folder (--checkpoint-dir sets another)");
      }
    }
    if (args.has("parallelism")) {
      conf.set(CoreOptions.DEFAULT_PARALLELISM, args.intValue("parallelism", 1, 1024));
    }
    if (local) {
      // The embedded MiniCluster honours numberOfTaskSlots (sized in config.yaml for the standalone cluster): with
      // fewer slots than the parallelism a job waits for resources that never come. A local run without a
      // parallelism gets one per core.
      int parallelism =
          conf.getOptional(CoreOptions.DEFAULT_PARALLELISM).orElse(Runtime.getRuntime().availableProcessors());
      conf.set(TaskManagerOptions.NUM_TASK_SLOTS, Math.max(conf.get(TaskManagerOptions.NUM_TASK_SLOTS), parallelism));
    }
    Restore.from(args).apply(conf);
    conf.set(PipelineOptions.GENERIC_TYPES, false);
    // Chained operators pass records on without a serializer copy each (with several chained per event, the largest
    // cost after parsing). Safe here: every record is made new by a source or a deserializer, and no operator changes
    // a record it received or one it has emitted.
    conf.set(PipelineOptions.OBJECT_REUSE, true);
    return conf;
  }

  private static Configuration localConfiguration(ParsedArgs args) {
    Path dir = Paths.get(args.required("conf-dir"));
    if (!Files.isRegularFile(dir.resolve(GlobalConfiguration.FLINK_CONF_FILENAME))) {
      if (args.string("conf-dir").equals("flink-conf")) {
        // Run from outside the repository: Flink's defaults (hashmap state, no checkpoints) still work.
        System.err.println("note: no flink-conf/config.yaml here; using Flink's defaults and the options given");
        return new Configuration();
      }
      throw new UsageException("--conf-dir " + dir + " has no " + GlobalConfiguration.FLINK_CONF_FILENAME);
    }
    return GlobalConfiguration.loadConfiguration(dir.toAbsolutePath().toString());
  }
}
