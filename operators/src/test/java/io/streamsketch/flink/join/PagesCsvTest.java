package io.streamsketch.flink.join;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamsketch.flink.io.SideOutputs;
import io.streamsketch.generator.GeneratorConfig;
import io.streamsketch.model.DeadLetter;
import io.streamsketch.model.Page;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.util.Map;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class PagesCsvTest {
  private static Map<String, Page> read(String csv) throws IOException {
    return PagesCsv.read(new BufferedReader(new StringReader(csv)), "pages.csv");
  }

  @Test
  void readsRowsWithCommasInTitlesSkippingBlankLines() throws Exception {
    assertThat(read("pageId,category,title\np1,news,Hello, world\n\np2,tech,\n"))
        .containsExactly(
            Map.entry("p1", new Page("p1", "news", "Hello, world")), Map.entry("p2", new Page("p2", "tech", "")));
  }

  @Test
  void aLaterRowOfAPageReplacesAnEarlierOne() throws Exception {
    assertThat(read("pageId,category,title\np1,news,Old\np1,tech,New\n"))
        .containsExactly(Map.entry("p1", new Page("p1", "tech", "New")));
  }

  @Test
  void rejectsAFileWithoutTheHeader() {
    assertThatThrownBy(() -> read("p1,news,Title\n"))
        .hasMessageContaining("pages.csv: the first line must be the header 'pageId,category,title'");
    assertThatThrownBy(() -> read("")).hasMessageContaining("must be the header");
  }

  @Test
  void rejectsMalformedRowsNamingTheLine() {
    assertThatThrownBy(() -> read("pageId,category,title\np1,news,Ok\np2;tech\n"))
        .hasMessageContaining("pages.csv:3: expected 3 fields");
    assertThatThrownBy(() -> read("pageId,category,title\n,news,No id\n")).hasMessageContaining("empty pageId");
    assertThatThrownBy(() -> read("pageId,category,title\np1,,No category\n"))
        .hasMessageContaining("empty category");
  }

  @Test
  void theGeneratedDimensionHasEveryPageOfTheConfiguration() throws Exception {
    GeneratorConfig config = GeneratorConfig.defaults().withUsersAndPages(10, 50);
    Map<String, Page> pages = PagesLoader.generated(config).load();
    assertThat(pages).hasSize(50).containsKeys("p1", "p50");
    assertThat(pages.get("p7").title).isEqualTo("Page 7 of " + pages.get("p7").category);
  }

  @Test
  void streamedLinesSkipHeadersAndSendMalformedRowsToDeadLetters() throws Exception {
    try (OneInputStreamOperatorTestHarness<String, Page> harness =
        new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(new ParsePageRows()))) {
      harness.open();
      for (String line : new String[] {"pageId,category,title", "p1,news,A", "", "pageId,title,category", "oops"}) {
        harness.processElement(new StreamRecord<>(line));
      }
      assertThat(harness.extractOutputValues()).containsExactly(new Page("p1", "news", "A"));
      assertThat(harness.getSideOutput(SideOutputs.DEAD_LETTERS))
          .extracting(StreamRecord::getValue)
          .extracting((DeadLetter d) -> d.line)
          .containsExactly("pageId,title,category", "oops");
    }
  }
}
