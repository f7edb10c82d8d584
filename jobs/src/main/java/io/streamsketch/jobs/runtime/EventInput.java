package io.streamsketch.jobs.runtime;

import io.streamsketch.flink.io.ClickstreamSource;
import io.streamsketch.flink.io.CountRecords;
import io.streamsketch.flink.io.ParseClickEvents;
import io.streamsketch.flink.io.SideOutputs;
import io.streamsketch.generator.GeneratorConfig;
import io.streamsketch.jobs.cli.ParsedArgs;
import io.streamsketch.model.ClickEvent;
import io.streamsketch.model.DeadLetter;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.connector.file.src.reader.TextLineInputFormat;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Where a job's events come from: the deterministic generator (the default) or JSON-lines files. Timestamps and
 * watermarks are the job's business, since each job knows its own out-of-orderness.
 */
public final class EventInput {
  private final String path;
  private final GeneratorConfig generator;
  private final double rate;

  private EventInput(String path, GeneratorConfig generator, double rate) {
    this.path = path;
    this.generator = generator;
    this.rate = rate;
  }

  /** The input that {@code args} selects, validated before any Flink work starts. */
  public static EventInput from(ParsedArgs args) {
    String path = args.string("input");
    if (path != null) {
      return new EventInput(path, null, 0);
    }
    return new EventInput(null, CommonOptions.generatorConfig(args, 0.0), args.doubleValue("rate", 0));
  }

  /**
   * The events of this input. Lines of a file input that are not valid events go to the dead-letter output:
   * counted, and written by the run's sink. Valid events are counted
   * as {@code events}.
   */
  public DataStream<ClickEvent> events(StreamExecutionEnvironment env, Outputs output) {
    return read(env, output).map(new CountRecords<>("events")).uid("count-events").name("count-events");
  }

  private DataStream<ClickEvent> read(StreamExecutionEnvironment env, Outputs output) {
    if (path == null) {
      return env.fromSource(
              ClickstreamSource.create(generator, rate), WatermarkStrategy.noWatermarks(), "clickstream-generator")
          .uid("clickstream-generator");
    }
    FileSource<String> files = FileSource.forRecordStreamFormat(new TextLineInputFormat(), new Path(path)).build();
    SingleOutputStreamOperator<ClickEvent> parsed =
        env.fromSource(files, WatermarkStrategy.noWatermarks(), "event-files")
            .uid("event-files")
            .process(new ParseClickEvents())
            .uid("parse-events")
            .name("parse-events");
    DataStream<DeadLetter> deadLetters = parsed.getSideOutput(SideOutputs.DEAD_LETTERS);
    output.write(deadLetters, OutputFolders.DEAD_LETTERS);
    return parsed;
  }
}
