package io.streamsketch.jobs.runtime;

import io.streamsketch.flink.io.ClickEventParser;
import io.streamsketch.flink.io.InputRecord;
import io.streamsketch.flink.io.JsonLinesFormat;
import io.streamsketch.jobs.cli.ParsedArgs;
import io.streamsketch.jobs.cli.UsageException;
import io.streamsketch.model.ClickEvent;
import io.streamsketch.model.DeadLetter;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.source.hybrid.HybridSource;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.compression.StandardDeCompressors;
import org.apache.flink.connector.file.src.enumerate.NonSplittingRecursiveEnumerator;
import org.apache.flink.connector.file.src.reader.SimpleStreamFormat;
import org.apache.flink.connector.file.src.reader.StreamFormat;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.core.fs.Path;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * History then live data as one input: a Flink {@link HybridSource} of the JSON-lines files of {@code --input}, then
 * the Kafka topic of {@code --topic}, switched at a fixed event time S (the switch), known before the job starts.
 *
 * <p>The rule that makes every event count once: the files count the events with {@code eventTime < S}, the topic
 * those with {@code eventTime >= S}. By default S is the largest event time in the files plus 1 ms, found by reading
 * the files once before the job starts, so no file event is cut; {@code --switch-at} fixes S instead (and skips that
 * read). A file event at or after S and a topic event before S are not counted: they go, with the reason, to the
 * output {@value #SKIPPED_AT_SWITCH}, counted. Both are turned into such records inside the source, where they carry
 * no timestamp, so they never move the watermark.
 *
 * <p>The topic is read from the offsets of the first records whose Kafka timestamp is at or after S minus {@code
 * --switch-lookback}: Kafka record timestamps are not event times, so the lookback covers records written before
 * their event time (a producer clock behind the events' clock). Reading earlier costs only reading: the event-time
 * rule decides what counts. The switch is fixed (a {@code KafkaSource} built before the job), not Flink's dynamic
 * switch, which has open recovery bugs in Flink 2.2.1 (FLINK-38345, FLINK-39645).
 *
 * <p>S is stored in operator state ({@value #GUARD_UID}): a restore whose S differs (new files, another {@code
 * --switch-at}) is refused with one line, as a changed option is ({@link OptionsGuard}).
 */
final class HybridInput {
  /** The output of the events left out by the switch rule. */
  static final String SKIPPED_AT_SWITCH = "skipped-at-switch";

  static final String GUARD_UID = "hybrid-switch-guard";

  /** The start of the reason of a record left out by the switch rule; no parse error starts so. */
  private static final String SKIPPED_REASON = "switch: ";

  private final String path;
  private final KafkaInput kafka;
  private final long switchAt;
  private final long kafkaFrom;

  private HybridInput(String path, KafkaInput kafka, long switchAt, long kafkaFrom) {
    this.path = path;
    this.kafka = kafka;
    this.switchAt = switchAt;
    this.kafkaFrom = kafkaFrom;
  }

  /**
   * Validates the hybrid options of {@code job}: the files exist, the topic exists on a broker that answers, and the
   * switch is given or can be found in the files.
   */
  static HybridInput from(String job, ParsedArgs args) {
    String path = args.string("input");
    if (path == null || args.string("bootstrap-servers") == null || args.string("topic") == null) {
      throw new UsageException(job + ": needs --input (the history), --bootstrap-servers and --topic (the live data)");
    }
    PathChecks.readable(args, "input");
    Duration lookback = args.nonNegativeDuration("switch-lookback");
    long switchAt = args.has("switch-at") ? parseSwitchAt(job, args.string("switch-at")) : switchAfterFiles(job, path);
    KafkaInput kafka = KafkaInput.from(job, args);
    return new HybridInput(path, kafka, switchAt, Math.max(0, switchAt - lookback.toMillis()));
  }

  /** An epoch-millisecond time or an ISO-8601 instant, within the event times of the data contract (plus one). */
  static long parseSwitchAt(String job, String text) {
    long switchAt;
    try {
      switchAt = text.matches("-?\\d+") ? Long.parseLong(text) : Instant.parse(text).toEpochMilli();
    } catch (NumberFormatException | DateTimeParseException | ArithmeticException e) {
      throw new UsageException(
          job + ": --switch-at must be a time in epoch milliseconds or ISO-8601 (2026-01-01T00:00:00Z), not '" + text
              + "'");
    }
    if (switchAt < ClickEvent.MIN_EVENT_TIME || switchAt > ClickEvent.MAX_EVENT_TIME + 1) {
      throw new UsageException(
          job + ": --switch-at " + text + " is outside the event times " + ClickEvent.MIN_EVENT_TIME + " to "
              + (ClickEvent.MAX_EVENT_TIME + 1));
    }
    return switchAt;
  }

  /**
   * The default switch: 1 ms after the largest event time in the files the {@code FileSource} will read (the same
   * enumerator, hidden files skipped, compressed files decompressed), so that the files are read whole.
   */
  static long switchAfterFiles(String job, String path) {
    long max = Long.MIN_VALUE;
    try {
      for (FileSourceSplit split : new NonSplittingRecursiveEnumerator().enumerateSplits(new Path[] {new Path(path)}, 1)) {
        max = Math.max(max, maxEventTime(split.path()));
      }
    } catch (IOException e) {
      throw new UsageException(job + ": --input " + path + ": cannot be read (" + KafkaTopics.rootMessage(e) + ")");
    }
    if (max == Long.MIN_VALUE) {
      throw new UsageException(
          job + ": --input " + path + " holds no valid event to take the switch time from; give --switch-at");
    }
    return max + 1;
  }

  private static long maxEventTime(Path file) throws IOException {
    long max = Long.MIN_VALUE;
    InputStream raw = file.getFileSystem().open(file);
    var decompressor = StandardDeCompressors.getDecompressorForFileName(file.getPath());
    try (JsonLinesFormat.Lines lines =
        new JsonLinesFormat.Lines(decompressor == null ? raw : decompressor.create(raw))) {
      for (byte[] line = lines.next(); line != null; line = lines.next()) {
        InputRecord record = lines.truncated() ? null : InputRecord.parse(line);
        if (record != null && record.event != null) {
          max = Math.max(max, record.event.eventTime);
        }
      }
    }
    return max;
  }

  long switchAt() {
    return switchAt;
  }

  int kafkaPartitions() {
    return kafka.partitions();
  }

  String topic() {
    return kafka.topic();
  }

  /** The files, cut at the switch, then the topic from the lookback before it, cut at the switch. */
  HybridSource<InputRecord> source() {
    FileSource<InputRecord> files =
        FileSource.forRecordStreamFormat(new FilesBeforeSwitch(new JsonLinesFormat(), switchAt), new Path(path)).build();
    return HybridSource.builder(files)
        .addSource(
            new LiveSourceAfterFiles<>(
                kafka.startingAt(kafkaFrom).source(new TopicFromSwitch(new KafkaInput.ParseRecords(), switchAt))))
        .build();
  }

  /** The events with {@link #GUARD_UID}'s check of the restored switch. */
  DataStream<ClickEvent> guarded(DataStream<ClickEvent> events) {
    return EventTime.atInputParallelism(
        events.map(new SwitchGuard(switchAt)).returns(events.getType()).uid(GUARD_UID).name(GUARD_UID), events);
  }

  /** Writes the input's dead letters: those of the switch rule to {@value #SKIPPED_AT_SWITCH}, the rest as usual. */
  static void write(DataStream<DeadLetter> deadLetters, Outputs output) {
    output.write(
        deadLetters.filter(letter -> !skippedAtSwitch(letter)).uid("split-other-dead-letters").name("split-other-dead-letters"),
        OutputFolders.DEAD_LETTERS);
    output.write(
        deadLetters.filter(HybridInput::skippedAtSwitch).uid("split-skipped-at-switch").name("split-skipped-at-switch"),
        SKIPPED_AT_SWITCH);
  }

  static boolean skippedAtSwitch(DeadLetter letter) {
    return letter.reason.startsWith(SKIPPED_REASON);
  }

  private static InputRecord skipped(String line, long eventTime, String rule) {
    return InputRecord.deadLetter(new DeadLetter(line, SKIPPED_REASON + "eventTime " + eventTime + " " + rule));
  }

  /** The file format with the switch rule: an event at or after the switch is the topic's, so it is skipped here. */
  static final class FilesBeforeSwitch extends SimpleStreamFormat<InputRecord> {
    private static final long serialVersionUID = 1L;
    private final SimpleStreamFormat<InputRecord> lines;
    private final long switchAt;

    FilesBeforeSwitch(SimpleStreamFormat<InputRecord> lines, long switchAt) {
      this.lines = lines;
      this.switchAt = switchAt;
    }

    @Override
    public StreamFormat.Reader<InputRecord> createReader(Configuration config, FSDataInputStream stream)
        throws IOException {
      StreamFormat.Reader<InputRecord> reader = lines.createReader(config, stream);
      return new StreamFormat.Reader<>() {
        @Override
        public InputRecord read() throws IOException {
          InputRecord record = reader.read();
          if (record != null && record.event != null && record.event.eventTime >= switchAt) {
            return skipped(
                record.event.toJson(),
                record.event.eventTime,
                "is at or after the switch at " + switchAt + ": the topic counts it, not the files");
          }
          return record;
        }

        @Override
        public void close() throws IOException {
          reader.close();
        }
      };
    }

    @Override
    public TypeInformation<InputRecord> getProducedType() {
      return InputRecord.TYPE;
    }
  }

  /** The topic's records with the switch rule: an event before the switch is the files', so it is skipped here. */
  static final class TopicFromSwitch implements KafkaRecordDeserializationSchema<InputRecord> {
    private static final long serialVersionUID = 1L;
    private final KafkaRecordDeserializationSchema<InputRecord> records;
    private final long switchAt;

    TopicFromSwitch(KafkaRecordDeserializationSchema<InputRecord> records, long switchAt) {
      this.records = records;
      this.switchAt = switchAt;
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<InputRecord> out) throws IOException {
      List<InputRecord> parsed = new ArrayList<>(1);
      records.deserialize(record, new Collector<>() {
        @Override
        public void collect(InputRecord value) {
          parsed.add(value);
        }

        @Override
        public void close() {}
      });
      for (InputRecord value : parsed) {
        if (value.event != null && value.event.eventTime < switchAt) {
          out.collect(
              skipped(
                  ClickEventParser.decodeForDisplay(record.value()),
                  value.event.eventTime,
                  "is before the switch at " + switchAt + ": the files count it, not the topic"));
        } else {
          out.collect(value);
        }
      }
    }

    @Override
    public TypeInformation<InputRecord> getProducedType() {
      return InputRecord.TYPE;
    }
  }

  /** Stores the switch in union list state and refuses a restore that would switch at another time. */
  static final class SwitchGuard implements MapFunction<ClickEvent, ClickEvent>, CheckpointedFunction {
    private static final long serialVersionUID = 1L;
    private final long switchAt;
    private transient ListState<Long> stored;

    SwitchGuard(long switchAt) {
      this.switchAt = switchAt;
    }

    @Override
    public ClickEvent map(ClickEvent event) {
      return event;
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
      stored = context.getOperatorStateStore().getUnionListState(new ListStateDescriptor<>("switch-at", Types.LONG));
      if (context.isRestored()) {
        for (Long restored : stored.get()) {
          if (restored != switchAt) {
            throw new SuppressRestartsException(
                new OptionsGuard.OptionChangedException("switch-at", Long.toString(restored), Long.toString(switchAt)));
          }
        }
      }
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
      stored.update(List.of(switchAt));
    }
  }
}
