package io.streamsketch.jobs.enrich;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsketch.flink.io.ClickEventParser;
import io.streamsketch.flink.io.MalformedEventException;
import io.streamsketch.flink.join.PagesLoader;
import io.streamsketch.generator.ClickstreamText;
import io.streamsketch.generator.GeneratorConfig;
import io.streamsketch.jobs.StreamSketchCli;
import io.streamsketch.jobs.testing.OutputFiles;
import io.streamsketch.model.ClickEvent;
import io.streamsketch.model.EnrichedEvent;
import io.streamsketch.model.EventKind;
import io.streamsketch.model.Page;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Runs {@code enrich} through the CLI at parallelism 2, in both join modes with both dimensions, on a generated file
 * and a dimension that lacks every tenth page, and checks the outputs against an exact join over the same lines.
 */
class EnrichJobIT {
  @RegisterExtension
  static final MiniClusterExtension CLUSTER =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

  private static final GeneratorConfig CONFIG =
      GeneratorConfig.defaults()
          .withEvents(30_000)
          .withSeed(11)
          .withUsersAndPages(1_000, 200)
          .withDisorder(5_000, 0.005, 0.005);
  private static final String MALFORMED_ROW = "p9999;news;not comma separated";

  @TempDir static Path dir;

  static Path events;
  static Path pages;
  static Path pagesWithMalformedRow;
  static List<ClickEvent> validEvents;
  static Map<String, Page> dimension;

  @BeforeAll
  static void writeInput() throws Exception {
    events = dir.resolve("events.jsonl");
    try (Writer out = Files.newBufferedWriter(events)) {
      ClickstreamText.writeEvents(CONFIG, out);
    }
    validEvents = new ArrayList<>();
    for (String line : Files.readAllLines(events)) {
      try {
        validEvents.add(ClickEventParser.parse(line));
      } catch (MalformedEventException e) {
        // Dead letters; the windowed-counts test checks that output.
      }
    }
    // Every tenth page has no row, so both join modes meet unmatched facts.
    List<String> rows = new ArrayList<>();
    dimension = new HashMap<>();
    for (Page page : PagesLoader.generated(CONFIG).load().values()) {
      if (!page.pageId.endsWith("0")) {
        rows.add(page.pageId + "," + page.category + "," + page.title);
        dimension.put(page.pageId, page);
      }
    }
    pages = dir.resolve("pages.csv");
    Files.write(pages, withHeader(rows));
    pagesWithMalformedRow = dir.resolve("pages-with-malformed-row.csv");
    rows.add(rows.size() / 2, MALFORMED_ROW);
    Files.write(pagesWithMalformedRow, withHeader(rows));
  }

  private static List<String> withHeader(List<String> rows) {
    List<String> lines = new ArrayList<>(List.of("pageId,category,title"));
    lines.addAll(rows);
    return lines;
  }

  @ParameterizedTest(name = "{0} join, {1} dimension")
  @CsvSource({"inner,small", "left,small", "inner,large", "left,large"})
  void outputsEqualTheExactJoin(String join, String dimensionKind) throws Exception {
    boolean large = dimensionKind.equals("large");
    Path output = dir.resolve("out-" + join + "-" + dimensionKind);
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    int status =
        StreamSketchCli.run(
            new String[] {
              "enrich",
              "--input", events.toString(),
              "--pages-file", (large ? pagesWithMalformedRow : pages).toString(),
              "--join", join,
              "--dimension", dimensionKind,
              "--output", output.toString(),
              "--parallelism", "2"
            },
            new PrintStream(stdout, true, StandardCharsets.UTF_8),
            System.err);
    String summary = stdout.toString(StandardCharsets.UTF_8);
    assertThat(status).as(summary).isZero();

    Map<Long, EnrichedEvent> expectedEnriched = new HashMap<>();
    Map<Long, ClickEvent> expectedUnmatched = new HashMap<>();
    for (ClickEvent event : validEvents) {
      Page page = dimension.get(event.pageId);
      if (page != null || join.equals("left")) {
        expectedEnriched.put(event.eventId, EnrichedEvent.of(event, page));
      } else {
        expectedUnmatched.put(event.eventId, event);
      }
    }
    assertThat(expectedUnmatched.size() + expectedEnriched.size()).isEqualTo(validEvents.size());
    if (join.equals("left")) {
      assertThat(expectedEnriched.values()).as("facts without a row").anyMatch(e -> e.category == null);
    }

    List<String> enrichedLines = OutputFiles.lines(output.resolve(EnrichJob.ENRICHED));
    Map<Long, EnrichedEvent> enriched = new HashMap<>();
    for (String line : enrichedLines) {
      EnrichedEvent event = enrichedEvent(OutputFiles.fields(line));
      enriched.put(event.eventId, event);
    }
    assertThat(enrichedLines).as("each event once").hasSize(enriched.size());
    assertThat(enriched).isEqualTo(expectedEnriched);
    assertThat(summary).containsPattern("enriched\\s+" + String.format("%,d", expectedEnriched.size()));

    if (join.equals("inner")) {
      Map<Long, ClickEvent> unmatched = new HashMap<>();
      for (String line : OutputFiles.lines(output.resolve(EnrichJob.UNMATCHED))) {
        ClickEvent event = ClickEventParser.parse(line);
        unmatched.put(event.eventId, event);
      }
      assertThat(unmatched).isNotEmpty().isEqualTo(expectedUnmatched);
      assertThat(summary).containsPattern("unmatched-facts\\s+" + String.format("%,d", expectedUnmatched.size()));
    } else {
      assertThat(output.resolve(EnrichJob.UNMATCHED)).doesNotExist();
    }

    if (large) {
      assertThat(OutputFiles.lines(output.resolve(EnrichJob.WAITING_OVERFLOW))).isEmpty();
      List<String> deadLetters = OutputFiles.lines(output.resolve(EnrichJob.PAGE_DEAD_LETTERS));
      assertThat(deadLetters).hasSize(1);
      assertThat(OutputFiles.fields(deadLetters.get(0))).containsEntry("line", MALFORMED_ROW);
    }
  }

  private static EnrichedEvent enrichedEvent(Map<String, Object> fields) {
    ClickEvent event =
        new ClickEvent(
            (Long) fields.get("eventId"),
            (String) fields.get("userId"),
            (String) fields.get("pageId"),
            EventKind.valueOf((String) fields.get("kind")),
            (String) fields.get("adId"),
            (Long) fields.get("eventTime"));
    String category = (String) fields.get("category");
    Page page = category == null ? null : new Page(event.pageId, category, (String) fields.get("title"));
    assertThat(Objects.isNull(category)).isEqualTo(Objects.isNull(fields.get("title")));
    return EnrichedEvent.of(event, page);
  }
}
