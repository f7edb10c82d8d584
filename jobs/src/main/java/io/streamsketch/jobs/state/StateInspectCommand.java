package io.streamsketch.jobs.state;

import io.streamsketch.flink.io.ClickstreamSource;
import io.streamsketch.flink.serde.HeavyHittersSerializer;
import io.streamsketch.flink.serde.HyperLogLogSerializer;
import io.streamsketch.flink.sessions.SessionAccumulator;
import io.streamsketch.flink.sessions.UserSessions;
import io.streamsketch.jobs.cli.Option;
import io.streamsketch.jobs.cli.OptionSet;
import io.streamsketch.jobs.cli.ParsedArgs;
import io.streamsketch.jobs.cli.UsageException;
import io.streamsketch.jobs.runtime.JobCommand;
import io.streamsketch.model.Json;
import io.streamsketch.sketch.bloom.BloomFilter;
import io.streamsketch.sketch.cms.HeavyHitters;
import io.streamsketch.sketch.hll.HyperLogLog;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.connector.kafka.source.split.KafkaPartitionSplit;
import org.apache.flink.connector.kafka.source.split.KafkaPartitionSplitSerializer;
import org.apache.flink.core.io.SimpleVersionedSerialization;
import org.apache.flink.state.api.OperatorIdentifier;
import org.apache.flink.state.api.SavepointReader;
import org.apache.flink.state.api.functions.KeyedStateReaderFunction;
import org.apache.flink.state.api.functions.WindowReaderFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.CloseableIterator;
import org.apache.flink.util.Collector;

/**
 * {@code state inspect}: what a savepoint (or retained checkpoint) of a job holds, per key, as JSON lines sorted by
 * key: HyperLogLog estimates per page and window (unique-visitors), the top pages of each window's Count-Min tracker
 * (top-pages), the sessions in progress per user (sessions), each ad's Bloom filter fill and false-positive rate
 * (first-exposure), and the source's position for every job: the generator's splits, or the Kafka source's partitions
 * and the offsets it continues from.
 */
public final class StateInspectCommand implements JobCommand {
  static final List<String> JOBS = List.of("unique-visitors", "top-pages", "sessions", "first-exposure");
  static final String SOURCE_UID = "clickstream-generator";
  static final String KAFKA_SOURCE_UID = "kafka-events";
  /** The list state in which Flink's source operator keeps its reader's splits, each as versioned bytes. */
  private static final String SOURCE_READER_STATE = "SourceReaderState";

  @Override
  public String name() {
    return "state inspect";
  }

  @Override
  public String summary() {
    return "print a savepoint's state per key: sketch estimates, top pages, open sessions, Bloom filters, source position";
  }

  @Override
  public OptionSet options() {
    return new OptionSet()
        .add(Option.value("savepoint", "path", null, "the savepoint or retained checkpoint (its folder or _metadata)"))
        .add(Option.value("job", String.join("|", JOBS), null, "the job that wrote it"))
        .add(Option.value("state-backend", "hashmap|rocksdb", "hashmap", "backend to read with; rocksdb for its checkpoints"));
  }

  @Override
  public int run(ParsedArgs args, PrintStream out) throws Exception {
    String path = SavepointFiles.checked(args.required("savepoint"), "--savepoint");
    String job = args.choice("job", JOBS.toArray(String[]::new));
    SavepointFiles.Session session = SavepointFiles.open(args.string("state-backend"), false);
    SavepointReader reader = SavepointReader.read(session.env(), path, session.backend());
    List<DataStream<String>> parts = new ArrayList<>();
    parts.add(readOperator(job, reader));
    sourcePosition(reader, SOURCE_UID, new DescribeSplit()).ifPresent(parts::add);
    sourcePosition(reader, KAFKA_SOURCE_UID, new DescribeKafkaSplit()).ifPresent(parts::add);
    DataStream<String> lines = parts.get(0);
    for (DataStream<String> more : parts.subList(1, parts.size())) {
      lines = lines.union(more);
    }
    List<String> sorted = new ArrayList<>();
    try (CloseableIterator<String> results = lines.executeAndCollect("state inspect " + job)) {
      results.forEachRemaining(sorted::add);
    }
    sorted.sort(null);
    sorted.forEach(out::println);
    return 0;
  }

  private static DataStream<String> readOperator(String job, SavepointReader reader) throws Exception {
    String uid =
        switch (job) {
          case "unique-visitors" -> "unique-visitors/per-page-window";
          case "top-pages" -> "top-pages/window";
          case "sessions" -> "sessions/sessionizer";
          default -> "first-exposure/bloom-filters";
        };
    try {
      return switch (job) {
        case "unique-visitors" ->
            reader
                .window(new TimeWindow.Serializer())
                .aggregate(uid, new Stored<HyperLogLog>(), new HyperLogLogWindows(), Types.STRING,
                    HyperLogLogSerializer.TYPE_INFO, Types.STRING)
                .union(
                    reader
                        .window(new TimeWindow.Serializer())
                        .aggregate("unique-visitors/global-window", new Stored<HyperLogLog>(),
                            new HyperLogLogWindows(), Types.STRING, HyperLogLogSerializer.TYPE_INFO, Types.STRING));
        case "top-pages" ->
            reader
                .window(new TimeWindow.Serializer())
                .aggregate(uid, new Stored<HeavyHitters>(), new TopPagesWindows(), Types.STRING,
                    HeavyHittersSerializer.TYPE_INFO, Types.STRING);
        case "sessions" -> reader.readKeyedState(OperatorIdentifier.forUid(uid), new OpenSessions(), Types.STRING, Types.STRING);
        default -> reader.readKeyedState(OperatorIdentifier.forUid(uid), new AdFilters(), Types.STRING, Types.STRING);
      };
    } catch (Exception e) {
      throw new UsageException(
          "the savepoint has no readable state of " + uid + " (is it a savepoint of " + job + "?): " + e.getMessage());
    }
  }

  /** The splits of the source {@code uid}, each described as a line; none if the job had no such source. */
  private static Optional<DataStream<String>> sourcePosition(
      SavepointReader reader, String uid, MapFunction<byte[], String> describe) {
    try {
      return Optional.of(
          reader
              .readListState(
                  OperatorIdentifier.forUid(uid), SOURCE_READER_STATE, PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO)
              .map(describe)
              .returns(Types.STRING));
    } catch (Exception e) {
      return Optional.empty();
    }
  }

  /**
   * A generator split from its bytes in the source's state, with the partition count and event count it was written
   * with (read without the run's options, which the savepoint's reader does not know).
   */
  static final class DescribeSplit implements MapFunction<byte[], String> {
    private static final long serialVersionUID = 1L;

    @Override
    public String map(byte[] bytes) throws Exception {
      ClickstreamSource.StoredSplit stored = ClickstreamSource.readStoredSplit(bytes);
      return Json.object()
          .field("source", SOURCE_UID)
          .field("partition", stored.split().partition())
          .field("partitions", stored.partitions())
          .field("nextPosition", stored.split().nextPosition())
          .field("events", stored.events())
          .field("remaining", stored.remaining())
          .toString();
    }
  }

  /** A Kafka source's split: its topic partition and the offset of the next record it reads after a restore. */
  static final class DescribeKafkaSplit implements MapFunction<byte[], String> {
    private static final long serialVersionUID = 1L;

    @Override
    public String map(byte[] bytes) throws Exception {
      KafkaPartitionSplit split =
          SimpleVersionedSerialization.readVersionAndDeSerialize(new KafkaPartitionSplitSerializer(), bytes);
      return Json.object()
          .field("source", KAFKA_SOURCE_UID)
          .field("topic", split.getTopic())
          .field("partition", split.getPartition())
          .field("nextOffset", split.getStartingOffset())
          .toString();
    }
  }

  /** Reads a window's stored accumulator as is; the reader never adds to it. */
  static final class Stored<A> implements AggregateFunction<Object, A, A> {
    private static final long serialVersionUID = 1L;

    @Override
    public A createAccumulator() {
      throw new UnsupportedOperationException("read only");
    }

    @Override
    public A add(Object value, A accumulator) {
      throw new UnsupportedOperationException("read only");
    }

    @Override
    public A getResult(A accumulator) {
      return accumulator;
    }

    @Override
    public A merge(A a, A b) {
      throw new UnsupportedOperationException("read only");
    }
  }

  static final class HyperLogLogWindows extends WindowReaderFunction<HyperLogLog, String, String, TimeWindow> {
    private static final long serialVersionUID = 1L;

    @Override
    public void readWindow(String page, Context<TimeWindow> context, Iterable<HyperLogLog> sketches, Collector<String> out) {
      for (HyperLogLog sketch : sketches) {
        out.collect(
            Json.object()
                .field("pageId", page)
                .field("windowStart", context.window().getStart())
                .field("windowEnd", context.window().getEnd())
                .field("estimate", sketch.estimate())
                .field("lowerBound", sketch.lowerBound(3))
                .field("upperBound", sketch.upperBound(3))
                .field("sparse", sketch.isSparse())
                .toString());
      }
    }
  }

  static final class TopPagesWindows extends WindowReaderFunction<HeavyHitters, String, String, TimeWindow> {
    private static final long serialVersionUID = 1L;

    @Override
    public void readWindow(String key, Context<TimeWindow> context, Iterable<HeavyHitters> trackers, Collector<String> out) {
      for (HeavyHitters tracker : trackers) {
        StringBuilder top = new StringBuilder("[");
        for (HeavyHitters.Entry entry : tracker.topK()) {
          top.append(top.length() > 1 ? "," : "")
              .append(Json.object().field("pageId", entry.item()).field("estimate", entry.estimate()));
        }
        out.collect(
            Json.object()
                .field("windowStart", context.window().getStart())
                .field("windowEnd", context.window().getEnd())
                .field("totalViews", tracker.totalCount())
                .field("errorBound", tracker.sketch().errorBound())
                .rawField("top", top.append(']').toString())
                .toString());
      }
    }
  }

  static final class OpenSessions extends KeyedStateReaderFunction<String, String> {
    private static final long serialVersionUID = 1L;
    private transient ValueState<UserSessions> sessions;

    @Override
    public void open(OpenContext context) {
      sessions =
          getRuntimeContext()
              .getState(new ValueStateDescriptor<>("user-sessions", TypeInformation.of(UserSessions.class)));
    }

    @Override
    public void readKey(String user, Context context, Collector<String> out) throws Exception {
      UserSessions open = sessions.value();
      if (open == null) {
        return;
      }
      for (SessionAccumulator session : open.sessions) {
        out.collect(
            Json.object()
                .field("userId", user)
                .field("sessionStart", session.start)
                .field("sessionEnd", session.end)
                .field("events", session.events)
                .field("views", session.views)
                .field("distinctPages", session.pages.size())
                .field("entryPage", session.entryPage)
                .field("exitPage", session.exitPage)
                .toString());
      }
    }
  }

  static final class AdFilters extends KeyedStateReaderFunction<String, String> {
    private static final long serialVersionUID = 1L;
    private transient AdFilterState state;

    @Override
    public void open(OpenContext context) {
      state = new AdFilterState(getRuntimeContext());
    }

    @Override
    public void readKey(String ad, Context context, Collector<String> out) throws Exception {
      BloomFilter filter = state.current.value();
      if (filter == null) {
        return;
      }
      BloomFilter older = state.previous.value();
      // A user is looked up in both generations: a false positive in either is one.
      double rate =
          older == null
              ? filter.expectedFalsePositiveRate()
              : 1 - (1 - filter.expectedFalsePositiveRate()) * (1 - older.expectedFalsePositiveRate());
      Long inserted = state.insertions.value();
      out.collect(
          Json.object()
              .field("adId", ad)
              .field("usersInCurrentGeneration", inserted == null ? 0 : inserted)
              .field("fill", (double) filter.bitCount() / filter.numBits())
              .field("falsePositiveRate", rate)
              .field("previousGeneration", older != null)
              .toString());
    }
  }
}
