package io.streamsketch.jobs.runtime;

import io.streamsketch.model.DeadLetter;
import io.streamsketch.model.OutputRecord;
import java.util.Collection;
import java.util.Map;
import org.apache.flink.streaming.api.datastream.DataStream;

/** One kind of sink that {@code --sink} chooses; it writes every named output of a job. */
interface OutputSink {
  /**
   * Prepares the targets of these outputs before any is written (creates missing Kafka topics, reads their limits).
   *
   * @throws io.streamsketch.jobs.cli.UsageException when a target cannot be used
   */
  default void prepare(Collection<String> outputs) {}

  /**
   * Writes one output, with a stable uid per output ({@code <sink>-<output>}).
   *
   * @return the dead letters of records this sink cannot take (too large), routed away before the sink; null when
   *     it takes every record
   */
  <T extends OutputRecord> DataStream<DeadLetter> write(DataStream<T> records, String output);

  /**
   * The options that name where this sink's restored state commits (a Kafka transactional id prefix, a database),
   * by option name: a restore with other values would commit part of the results in one place and the rest in
   * another, so {@link OptionsGuard} refuses it. The files sink's folder is guarded as {@code output} already.
   */
  default Map<String, String> restoreBoundOptions() {
    return Map.of();
  }

  /** Where the results go, for the summary's last line; null when nothing is written. */
  String location();

  /** Called once the job has finished successfully (not when it was only submitted): a last clean-up. */
  default void finished() {}

  /** Releases what {@link #prepare} held (an admin client); called when the job's graph is built. */
  default void close() {}
}
