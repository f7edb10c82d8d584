package io.streamsketch.jobs.runtime;

import io.streamsketch.flink.io.ClickstreamSource;
import io.streamsketch.flink.io.InputRecord;
import io.streamsketch.flink.io.JsonLinesFormat;
import io.streamsketch.flink.io.SideOutputs;
import io.streamsketch.flink.io.SplitInputRecords;
import io.streamsketch.generator.GeneratorConfig;
import io.streamsketch.jobs.cli.ParsedArgs;
import io.streamsketch.jobs.cli.UsageException;
import io.streamsketch.model.ClickEvent;
import io.streamsketch.model.DeadLetter;
import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamSource;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Where a job's events come from: the deterministic generator (the default), JSON-lines files, or a Kafka topic.
 * The source assigns the job's timestamps and watermarks (per split or partition) and, for files and Kafka, parses
 * each line or record: what is not a valid event goes to the dead-letter output with its reason.
 */
public final class EventInput {
  private static final List<String> KAFKA_OPTIONS =
      List.of("bootstrap-servers", "topic", "group-id", "starting-offsets", "bounded");

  private final String path;
  private final GeneratorConfig generator;
  private final double rate;
  private final KafkaInput kafka;
  private final HybridInput hybrid;

  private EventInput(String path, GeneratorConfig generator, double rate, KafkaInput kafka, HybridInput hybrid) {
    this.path = path;
    this.generator = generator;
    this.rate = rate;
    this.kafka = kafka;
    this.hybrid = hybrid;
  }

  /**
   * The files of {@code --input} then the topic of {@code --topic}, switched at a fixed event time ({@link
   * HybridInput}), validated before any Flink work.
   */
  public static EventInput hybrid(String job, ParsedArgs args) {
    return new EventInput(null, null, 0, null, HybridInput.from(job, args));
  }

  /** The event time at which a {@link #hybrid} input switches from the files to the topic. */
  public long switchAt() {
    if (hybrid == null) {
      throw new IllegalStateException("only a hybrid input has a switch");
    }
    return hybrid.switchAt();
  }

  /** The input that {@code args} selects, validated (a Kafka topic checked on its broker) before any Flink work. */
  public static EventInput from(String job, ParsedArgs args) {
    String path = args.string("input");
    String source = args.has("source") ? args.choice("source", "generator", "files", "kafka") : null;
    if (source == null) {
      source = path != null ? "files" : "generator";
    }
    if (!source.equals("kafka")) {
      for (String option : KAFKA_OPTIONS) {
        // The brokers are shared with the Kafka sink.
        boolean forTheSink = option.equals("bootstrap-servers") && "kafka".equals(args.string("sink"));
        if (args.has(option) && !forTheSink) {
          throw new UsageException(
              job + ": --" + option + " needs --source kafka" + (option.equals("bootstrap-servers") ? " or --sink kafka" : ""));
        }
      }
    }
    return switch (source) {
      case "files" -> {
        if (path == null) {
          throw new UsageException(job + ": --source files needs --input");
        }
        // After the options' combination is checked: a Kafka option with --input is that error, not a path's.
        PathChecks.readable(args, "input");
        yield new EventInput(path, null, 0, null, null);
      }
      case "kafka" -> {
        if (path != null) {
          throw new UsageException(job + ": --input reads files; it does not go with --source kafka");
        }
        yield new EventInput(null, null, 0, KafkaInput.from(job, args), null);
      }
      default -> {
        if (path != null) {
          throw new UsageException(job + ": --input reads files; it does not go with --source generator");
        }
        yield new EventInput(null, CommonOptions.generatorConfig(args, 0.0), args.doubleValue("rate", 0), null, null);
      }
    };
  }

  /**
   * The events of this input, with timestamps and {@code watermarks} (null for none) from the source. Records that
   * are not valid events go to the dead-letter output: counted, and written by the run's sink. Valid events are counted as {@code events}.
   */
  public DataStream<ClickEvent> events(
      StreamExecutionEnvironment env, Outputs output, EventTime.Watermarks watermarks) {
    DataStream<ClickEvent> events = read(env, output, watermarks);
    return EventTime.atInputParallelism(
        events.map(new CountEvents()).uid("count-events").name("count-events"), events);
  }

  private DataStream<ClickEvent> read(
      StreamExecutionEnvironment env, Outputs output, EventTime.Watermarks watermarks) {
    if (generator != null) {
      return env.fromSource(
              ClickstreamSource.create(generator, rate),
              watermarks == null ? WatermarkStrategy.noWatermarks() : watermarks.forEvents(),
              "clickstream-generator")
          .uid("clickstream-generator");
    }
    WatermarkStrategy<InputRecord> strategy =
        watermarks == null ? WatermarkStrategy.noWatermarks() : watermarks.forInputRecords();
    DataStreamSource<InputRecord> records;
    if (hybrid != null) {
      records = fromSource(env, hybrid.source(), strategy, "files-then-kafka-" + hybrid.topic(), "hybrid-events");
      // One reader, as for files alone: the files' late events stay exact. It reads every partition after the switch.
      records.setParallelism(1);
    } else if (kafka != null) {
      records = fromSource(env, kafka.source(), strategy, "kafka-" + kafka.topic(), "kafka-events");
      // A source subtask without a partition would hold the watermark back until its idleness passes.
      records.setParallelism(Math.min(parallelism(env), kafka.partitions()));
    } else {
      FileSource<InputRecord> files = FileSource.forRecordStreamFormat(new JsonLinesFormat(), new Path(path)).build();
      records = fromSource(env, files, strategy, "event-files", "event-files");
      // One reader, whatever the parallelism: a second one would have no file (or another one) to read, and when
      // its watermark reached the windows would decide which events are late. One reader makes that exact.
      records.setParallelism(1);
    }
    SingleOutputStreamOperator<ClickEvent> events =
        EventTime.atInputParallelism(
            records.process(new SplitInputRecords()).uid("split-dead-letters").name("split-dead-letters"), records);
    DataStream<DeadLetter> deadLetters = events.getSideOutput(SideOutputs.DEAD_LETTERS);
    if (hybrid != null) {
      HybridInput.write(deadLetters, output);
      return hybrid.guarded(events);
    }
    output.write(deadLetters, OutputFolders.DEAD_LETTERS);
    return events;
  }

  private static DataStreamSource<InputRecord> fromSource(
      StreamExecutionEnvironment env,
      Source<InputRecord, ?, ?> source,
      WatermarkStrategy<InputRecord> watermarks,
      String name,
      String uid) {
    DataStreamSource<InputRecord> records = env.fromSource(source, watermarks, name, InputRecord.TYPE);
    records.uid(uid);
    return records;
  }

  private static int parallelism(StreamExecutionEnvironment env) {
    int parallelism = env.getParallelism();
    return parallelism > 0 ? parallelism : Runtime.getRuntime().availableProcessors();
  }
}
