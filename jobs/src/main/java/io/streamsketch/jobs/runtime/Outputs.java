package io.streamsketch.jobs.runtime;

import io.streamsketch.flink.io.CountRecords;
import io.streamsketch.model.DeadLetter;
import io.streamsketch.model.OutputRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * The one output seam of every job: a job names its outputs, and the sink that {@code --sink} chose writes them.
 * Each output is counted for the summary ({@code count-<output>}) and written by the sink ({@code
 * <sink>-<output>}). Outputs are wired when the job's graph is complete ({@link #wire}), so that the dead letters of
 * every stage, including records too large for the sink, reach the one {@code dead-letters} output.
 */
final class Outputs {
  private final OutputSink sink;
  private final Map<String, DataStream<? extends OutputRecord>> outputs = new LinkedHashMap<>();
  private final List<DataStream<DeadLetter>> deadLetters = new ArrayList<>();
  private boolean wired;

  Outputs(OutputSink sink) {
    this.sink = sink;
  }

  /** Registers one output of the job; {@link OutputFolders#DEAD_LETTERS} may be given by several stages. */
  @SuppressWarnings("unchecked")
  <T extends OutputRecord> void write(DataStream<T> records, String name) {
    if (wired) {
      throw new IllegalStateException("output " + name + " written after the outputs were wired");
    }
    if (name.equals(OutputFolders.DEAD_LETTERS)) {
      deadLetters.add((DataStream<DeadLetter>) records);
    } else if (outputs.putIfAbsent(name, records) != null) {
      throw new IllegalStateException("output " + name + " is written twice");
    }
  }

  /** Counts and sinks every output, then the dead letters of the input, the job and the sink. */
  void wire() {
    wired = true;
    try {
      List<String> names = new ArrayList<>(outputs.keySet());
      names.add(OutputFolders.DEAD_LETTERS);
      sink.prepare(names);
      outputs.forEach(
          (name, records) -> {
            DataStream<DeadLetter> rejected = sink.write(counted(records, name), name);
            if (rejected != null) {
              deadLetters.add(rejected);
            }
          });
      if (!deadLetters.isEmpty()) {
        DataStream<DeadLetter> all = deadLetters.get(0);
        for (DataStream<DeadLetter> more : deadLetters.subList(1, deadLetters.size())) {
          all = all.union(more);
        }
        // A dead letter too large for the sink comes back shortened from the sink itself, never from here.
        sink.write(counted(all, OutputFolders.DEAD_LETTERS), OutputFolders.DEAD_LETTERS);
      }
    } finally {
      sink.close();
    }
  }

  /** The job finished successfully: every output is committed. */
  void finished() {
    sink.finished();
  }

  Map<String, String> restoreBoundOptions() {
    return sink.restoreBoundOptions();
  }

  String location() {
    return sink.location();
  }

  private static <T> DataStream<T> counted(DataStream<T> records, String name) {
    return records.map(new CountRecords<>(name)).returns(records.getType()).uid("count-" + name).name("count-" + name);
  }
}
