package io.streamsketch.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every job's pipeline, in each of its modes, with the repository's {@code flink-conf/config.yaml}: it has
 * {@code pipeline.auto-generate-uids: false}, so Flink refuses at submission a graph with an operator without a uid,
 * and every operator, the stateful ones (sources, keyed operators, sink writers and committers) first, has one.
 * The job is built through the CLI and its graph captured instead of run.
 */
class OperatorUidsTest {
  @TempDir static Path dir;
  static Path input;

  /** The graph of the last job the CLI tried to run. */
  static StreamGraph captured;

  @BeforeAll
  static void captureGraphsInsteadOfRunning() throws Exception {
    input = Files.writeString(dir.resolve("events.jsonl"), "");
    Configuration repository = GlobalConfiguration.loadConfiguration(Path.of("..", "flink-conf").toString());
    CapturingEnvironment.install(repository);
  }

  @AfterAll
  static void restoreTheContextEnvironment() {
    CapturingEnvironment.reset();
  }

  @Test
  void theRepositoryConfigurationRefusesOperatorsWithoutAUid() {
    Configuration repository = GlobalConfiguration.loadConfiguration(Path.of("..", "flink-conf").toString());
    assertThat(repository.get(PipelineOptions.AUTO_GENERATE_UIDS)).isFalse();
  }

  static Stream<String> jobs() {
    return Stream.of(
        "windowed-counts",
        "windowed-counts --input INPUT",
        "sessions",
        "sessions --implementation windows",
        "session-segments",
        "enrich",
        "enrich --dimension large",
        "enrich --join left",
        "ctr",
        "first-exposure",
        "first-exposure --exact",
        "first-exposure --verify",
        "unique-visitors",
        "unique-visitors --exact",
        "unique-visitors --verify",
        "unique-visitors --slide 30s",
        "top-pages",
        "top-pages --exact",
        "top-pages --verify",
        "top-pages --slide 30s",
        "sample",
        "sample --exact",
        "sample --verify",
        "delay-quantiles",
        "delay-quantiles --input INPUT",
        "page-skew",
        "page-skew --verify");
  }

  @ParameterizedTest
  @MethodSource("jobs")
  void everyOperatorOfTheJobHasAUid(String commandLine) throws Exception {
    List<String> args = new ArrayList<>(List.of(commandLine.replace("INPUT", input.toString()).split(" ")));
    args.addAll(List.of("--events", "10", "--output", dir.resolve(commandLine.replace(' ', '_')).toString()));
    captured = null;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      StreamSketchCli.run(
          args.toArray(String[]::new),
          new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
          new PrintStream(err, true, StandardCharsets.UTF_8));
    } catch (GraphCaptured expected) {
      // The job got as far as execute: its graph was built with auto-generated uids disabled.
    }
    assertThat(captured).as("the graph was built; " + err.toString(StandardCharsets.UTF_8)).isNotNull();

    List<StreamNode> stateful = new ArrayList<>();
    for (StreamNode node : captured.getStreamNodes()) {
      assertThat(node.getTransformationUID()).as("uid of %s", node.getOperatorName()).isNotBlank();
      if (isStateful(captured, node)) {
        stateful.add(node);
      }
    }
    assertThat(stateful).as("sources, keyed operators and sinks").hasSizeGreaterThanOrEqualTo(3);
  }

  /** Sources keep split state, keyed operators keyed state, sinks writer and committer state. */
  private static boolean isStateful(StreamGraph graph, StreamNode node) {
    return graph.getSourceIDs().contains(node.getId())
        || node.getStateKeySerializer() != null
        || node.getOperatorName().contains("Writer")
        || node.getOperatorName().contains("Committer");
  }

  /** Thrown instead of running a job, once its graph is captured. */
  static final class GraphCaptured extends RuntimeException {
    private static final long serialVersionUID = 1L;
  }

  /** An environment whose execute captures the graph; its configuration is the repository's plus the job's. */
  static final class CapturingEnvironment extends StreamExecutionEnvironment {
    CapturingEnvironment(Configuration configuration) {
      super(configuration);
    }

    static void install(Configuration repository) {
      initializeContextEnvironment(
          jobConfiguration -> {
            Configuration merged = new Configuration(repository);
            merged.addAll(jobConfiguration);
            return new CapturingEnvironment(merged);
          });
    }

    static void reset() {
      resetContextEnvironment();
    }

    @Override
    public JobExecutionResult execute(StreamGraph graph) {
      captured = graph;
      throw new GraphCaptured();
    }
  }
}
