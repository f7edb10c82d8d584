package io.streamsketch.jobs.state;

import io.streamsketch.flink.io.ClickEventParser;
import io.streamsketch.flink.io.MalformedEventException;
import io.streamsketch.flink.membership.FirstExposureOperator;
import io.streamsketch.jobs.cli.Option;
import io.streamsketch.jobs.cli.OptionSet;
import io.streamsketch.jobs.cli.ParsedArgs;
import io.streamsketch.jobs.cli.UsageException;
import io.streamsketch.jobs.firstexposure.FirstExposureJob;
import io.streamsketch.jobs.runtime.JobCommand;
import io.streamsketch.model.ClickEvent;
import io.streamsketch.model.EventKind;
import io.streamsketch.sketch.bloom.BloomFilter;
import io.streamsketch.sketch.bloom.RotatingBloomFilter;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.state.api.OperatorIdentifier;
import org.apache.flink.state.api.OperatorTransformation;
import org.apache.flink.state.api.SavepointWriter;
import org.apache.flink.state.api.StateBootstrapTransformation;
import org.apache.flink.state.api.functions.KeyedStateBootstrapFunction;

/**
 * {@code state bootstrap}: writes a savepoint from history that a job then starts from with {@code --from-savepoint}.
 * For {@code first-exposure}: each ad's rotating Bloom filter of the users who saw it, from a JSON-lines file of past
 * events (its ad impressions, in file order, exactly as the job would have added them), in the state of the operator
 * with uid {@value #UID}. Use the job's {@code --capacity} and {@code --fpp}.
 */
public final class StateBootstrapCommand implements JobCommand {
  static final String UID = "first-exposure/bloom-filters";
  /** Flink's default for jobs of parallelism up to 85; the job adopts a savepoint's unless one is configured. */
  static final int MAX_PARALLELISM = 128;

  @Override
  public String name() {
    return "state bootstrap";
  }

  @Override
  public String summary() {
    return "write a savepoint from history (first-exposure's Bloom filters from past impressions) to start a job from";
  }

  @Override
  public OptionSet options() {
    FirstExposureJob.Settings defaults = FirstExposureJob.Settings.defaults();
    return new OptionSet()
        .add(Option.value("job", "first-exposure", "first-exposure", "the job whose state to write"))
        .add(Option.value("history", "file", null, "JSON-lines events; their ad impressions fill the filters"))
        .add(Option.value("savepoint", "dir", null, "the savepoint folder to write; must not exist or be empty"))
        .add(Option.value("capacity", "n", Long.toString(defaults.capacity()), "as the job's --capacity"))
        .add(Option.value("fpp", "p", Double.toString(defaults.falsePositiveRate()), "as the job's --fpp"))
        .add(Option.value("state-backend", "hashmap|rocksdb", "hashmap", "the backend the savepoint is written with"));
  }

  @Override
  public int run(ParsedArgs args, PrintStream out) throws Exception {
    args.choice("job", "first-exposure");
    long capacity = args.longValue("capacity", 1);
    double fpp = args.doubleValue("fpp", 0);
    try {
      RotatingBloomFilter.create(capacity, fpp, FirstExposureJob.HASH_SEED);
    } catch (IllegalArgumentException e) {
      throw new UsageException("state bootstrap: " + e.getMessage());
    }
    Path target = Paths.get(args.required("savepoint")).toAbsolutePath();
    if (Files.exists(target) && (!Files.isDirectory(target) || !isEmpty(target))) {
      throw new UsageException("--savepoint " + target + " already exists and is not an empty folder");
    }
    List<ClickEvent> impressions = impressions(Paths.get(args.required("history")));
    SavepointFiles.Session session = SavepointFiles.open(args.string("state-backend"), true);
    StateBootstrapTransformation<ClickEvent> filters =
        OperatorTransformation.bootstrapWith(session.env().fromData(impressions, TypeInformation.of(ClickEvent.class)))
            .keyBy(event -> event.adId, Types.STRING)
            .transform(new AddUsers(capacity, fpp));
    SavepointWriter.newSavepoint(session.env(), session.backend(), MAX_PARALLELISM)
        .withOperator(OperatorIdentifier.forUid(UID), filters)
        .write(target.toUri().toString());
    session.env().execute("state bootstrap first-exposure");
    long ads = impressions.stream().map(event -> event.adId).distinct().count();
    out.println(
        "state bootstrap: " + impressions.size() + " ad impressions of " + ads + " ads written to " + target
            + "; start first-exposure with --from-savepoint " + target);
    return 0;
  }

  private static boolean isEmpty(Path folder) throws IOException {
    try (Stream<Path> entries = Files.list(folder)) {
      return entries.findAny().isEmpty();
    }
  }

  /** The ad impressions of the file, in order; any malformed line is a usage error naming it. */
  private static List<ClickEvent> impressions(Path history) throws IOException {
    if (!Files.isRegularFile(history)) {
      throw new UsageException("--history " + history.toAbsolutePath() + " is not a file");
    }
    List<ClickEvent> impressions = new ArrayList<>();
    try (BufferedReader lines = Files.newBufferedReader(history, StandardCharsets.UTF_8)) {
      int number = 0;
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        number++;
        ClickEvent event;
        try {
          event = ClickEventParser.parse(line);
        } catch (MalformedEventException e) {
          throw new UsageException("--history " + history + " line " + number + ": " + e.getMessage());
        }
        if (event.kind == EventKind.AD_IMPRESSION) {
          impressions.add(event);
        }
      }
    }
    return impressions;
  }

  /** Adds each impression's user to its ad's filters, as {@link FirstExposureOperator} does, in the same state. */
  static final class AddUsers extends KeyedStateBootstrapFunction<String, ClickEvent> {
    private static final long serialVersionUID = 1L;
    private final long capacity;
    private final double fpp;
    private transient AdFilterState state;

    AddUsers(long capacity, double fpp) {
      this.capacity = capacity;
      this.fpp = fpp;
    }

    @Override
    public void open(OpenContext context) {
      state = new AdFilterState(getRuntimeContext());
    }

    @Override
    public void processElement(ClickEvent impression, Context context) throws Exception {
      BloomFilter stored = state.current.value();
      RotatingBloomFilter filter =
          stored == null
              ? RotatingBloomFilter.create(capacity, fpp, FirstExposureJob.HASH_SEED)
              : RotatingBloomFilter.restore(
                  capacity, fpp, FirstExposureJob.HASH_SEED, stored, state.previous.value(), state.insertions.value());
      filter.addAndCheck(impression.userId);
      state.current.update(filter.current());
      if (filter.previous() != null) {
        state.previous.update(filter.previous());
      }
      state.insertions.update(filter.currentInsertions());
    }
  }
}
