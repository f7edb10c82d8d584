package io.streamsketch.jobs.state;

import io.streamsketch.jobs.runtime.Restore;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** What the {@code state} commands share: the savepoint path check and the environment they run in. */
final class SavepointFiles {
  private SavepointFiles() {}

  /** The savepoint's folder as a URI, or a usage error naming {@code option}. */
  static String checked(String given, String option) {
    return Restore.savepointFolder(given, option).toUri().toString();
  }

  record Session(StreamExecutionEnvironment env, StateBackend backend) {}

  /**
   * A local environment at parallelism 1 (the state is small) and the backend to read or write with. A writer needs
   * generic types: the State Processor API ships its written operator state between its own operators as a Kryo
   * type ({@code TaggedOperatorSubtaskState}); the job's state itself keeps its explicit serializers.
   */
  static Session open(String backend, boolean writer) {
    Configuration conf = new Configuration();
    conf.set(PipelineOptions.GENERIC_TYPES, writer);
    conf.set(CoreOptions.DEFAULT_PARALLELISM, 1);
    conf.set(RestOptions.BIND_PORT, "0");
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    return new Session(env, "rocksdb".equals(backend) ? new EmbeddedRocksDBStateBackend() : new HashMapStateBackend());
  }
}
