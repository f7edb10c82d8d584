package io.streamsketch.jobs.runtime;

import io.streamsketch.jobs.cli.ParsedArgs;
import io.streamsketch.jobs.cli.UsageException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Builds a job's execution environment. Under {@code java -jar} the job runs on an embedded MiniCluster configured
 * from {@code flink-conf/config.yaml}; under {@code flink run} the cluster's configuration applies. In both, the
 * command-line overrides win, and generic types stay disabled so no state falls back to Kryo.
 */
public final class JobEnvironment {
  private JobEnvironment() {}

  public static StreamExecutionEnvironment create(ParsedArgs args) {
    boolean local = StreamExecutionEnvironment.areExplicitEnvironmentsAllowed();
    Configuration conf = local ? localConfiguration(args) : new Configuration();
    if (args.has("state-backend")) {
      conf.set(StateBackendOptions.STATE_BACKEND, args.choice("state-backend", "hashmap", "rocksdb"));
    }
    if (args.has("checkpoint-dir")) {
      conf.set(
          CheckpointingOptions.CHECKPOINTS_DIRECTORY,
          Paths.get(args.string("checkpoint-dir")).toAbsolutePath().toUri().toString());
    }
    if (args.has("parallelism")) {
      conf.set(CoreOptions.DEFAULT_PARALLELISM, args.intValue("parallelism", 1, 1024));
    }
    Restore.from(args).apply(conf);
    conf.set(PipelineOptions.GENERIC_TYPES, false);
    if (local && args.flag("web-ui")) {
      return StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(conf);
    }
    if (local) {
      // Without the web UI nobody needs a known port, and a fixed one would stop two local runs side by side.
      conf.set(RestOptions.BIND_PORT, "0");
    }
    return StreamExecutionEnvironment.getExecutionEnvironment(conf);
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
