package io.streamsketch.jobs.runtime;

import io.streamsketch.flink.io.GeneratorOptionChangedException;
import io.streamsketch.jobs.cli.ParsedArgs;
import io.streamsketch.jobs.cli.UsageException;
import io.streamsketch.model.ClickEvent;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.util.SerializedThrowable;

/**
 * Stores the options that cannot change across a restore (window sizes, the session gap, sketch parameters, the
 * output folder) in operator state, and refuses a restore whose options differ: the job fails at once, without
 * restarts, and the CLI prints one line naming the option ({@link #asUsageError}). A pass-through on the event stream
 * with the uid {@value #UID}; union list state, so every subtask sees the stored options at any parallelism.
 *
 * <p>The output folder is here because the file sink's restored state keeps its path: a restore into another folder
 * would commit the pending files to the old one and write the rest to the new one. The other sinks' targets are here
 * for the same reason ({@link OutputSink#restoreBoundOptions}): a Kafka sink's restored transactions keep their
 * topics and transactional ids, a PostgreSQL sink's its database.
 */
public final class OptionsGuard implements MapFunction<ClickEvent, ClickEvent>, CheckpointedFunction {
  private static final long serialVersionUID = 1L;
  public static final String UID = "options-guard";

  /** Options whose change would make restored state mean something else. */
  static final Set<String> DURATIONS = Set.of("window", "tumbling-window", "sliding-window", "slide", "gap", "max-length");
  static final Set<String> VALUES = Set.of("precision", "epsilon", "delta", "top", "k", "dimension");
  static final Set<String> FLAGS = Set.of("exact");

  private final TreeMap<String, String> options;
  private transient ListState<String> stored;

  OptionsGuard(Map<String, String> options) {
    this.options = new TreeMap<>(options);
  }

  /** Puts the guard of {@code args}' options and the sink's {@code sinkOptions} on {@code events}. */
  static DataStream<ClickEvent> attach(
      DataStream<ClickEvent> events, ParsedArgs args, Map<String, String> sinkOptions) {
    // At the input's parallelism, chained to it: a round-robin to more subtasks would make lateness timing-dependent.
    return EventTime.atInputParallelism(
        events.map(new OptionsGuard(guarded(args, sinkOptions))).returns(events.getType()).uid(UID).name(UID), events);
  }

  static Map<String, String> guarded(ParsedArgs args, Map<String, String> sinkOptions) {
    Map<String, String> options = new TreeMap<>(sinkOptions);
    String output = args.string("output");
    options.put("output", output == null ? "(none)" : Paths.get(output).toAbsolutePath().normalize().toString());
    for (String name : DURATIONS) {
      if (args.has(name)) {
        options.put(name, args.duration(name).toMillis() + "ms");
      }
    }
    for (String name : VALUES) {
      if (args.has(name)) {
        options.put(name, args.string(name));
      }
    }
    for (String name : FLAGS) {
      options.put(name, Boolean.toString(args.flag(name)));
    }
    return options;
  }

  @Override
  public ClickEvent map(ClickEvent event) {
    return event;
  }

  @Override
  public void initializeState(FunctionInitializationContext context) throws Exception {
    stored = context.getOperatorStateStore().getUnionListState(new ListStateDescriptor<>("options", Types.STRING));
    if (!context.isRestored()) {
      return;
    }
    Map<String, String> before = new TreeMap<>();
    for (String entry : stored.get()) {
      int eq = entry.indexOf('=');
      before.put(entry.substring(0, eq), entry.substring(eq + 1));
    }
    for (Map.Entry<String, String> option : options.entrySet()) {
      String old = before.get(option.getKey());
      if (old != null && !old.equals(option.getValue())) {
        throw new SuppressRestartsException(new OptionChangedException(option.getKey(), old, option.getValue()));
      }
    }
  }

  @Override
  public void snapshotState(FunctionSnapshotContext context) throws Exception {
    List<String> entries = new ArrayList<>();
    options.forEach((name, value) -> entries.add(name + "=" + value));
    stored.update(entries);
  }

  /** The refused restores, from this guard and from the generator source, whose stored options differ. */
  private static final Set<String> REFUSED_RESTORES =
      Set.of(OptionChangedException.class.getName(), GeneratorOptionChangedException.class.getName());

  /**
   * The one-line usage error for a job failure caused by a refused restore (this guard's or the generator source's),
   * if {@code failure} is one. The cause may arrive as a {@link SerializedThrowable}, so it is recognised by its class
   * name.
   */
  public static Optional<UsageException> asUsageError(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      String type = t instanceof SerializedThrowable s ? s.getOriginalErrorClassName() : t.getClass().getName();
      if (REFUSED_RESTORES.contains(type)) {
        // A SerializedThrowable's message is the original's toString: "class name: message".
        String message = t.getMessage();
        String prefix = type + ": ";
        return Optional.of(new UsageException(message.startsWith(prefix) ? message.substring(prefix.length()) : message));
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return Optional.empty();
  }

  /** A restore with an option that differs from the one stored with the state. */
  public static final class OptionChangedException extends Exception {
    private static final long serialVersionUID = 1L;

    OptionChangedException(String option, String stored, String given) {
      super(
          "--" + option + " is " + given + " but the state being restored was written with " + stored
              + "; restore with the same value, or start without the savepoint");
    }
  }
}
