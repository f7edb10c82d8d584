package io.streamsketch.generator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class ClickstreamTextTest {
  private static final GeneratorConfig CONFIG =
      GeneratorConfig.defaults().withEvents(20_000).withUsersAndPages(1_000, 200).withDisorder(5_000, 0.001, 0.01);

  private static String events(GeneratorConfig config) throws IOException {
    StringWriter out = new StringWriter();
    ClickstreamText.writeEvents(config, out);
    return out.toString();
  }

  @Test
  void sameSeedGivesTheSameBytes() throws IOException {
    assertThat(events(CONFIG)).isEqualTo(events(CONFIG));
  }

  @Test
  void malformedLinesAreExtraLinesAndLeaveTheEventsAlone() throws IOException {
    StringWriter out = new StringWriter();
    ClickstreamText.Counts counts = ClickstreamText.writeEvents(CONFIG, out);
    String[] lines = out.toString().split("\n");
    assertThat(lines).hasSize((int) (counts.events() + counts.malformedLines()));
    // 1% of 20,000, within 5 standard deviations.
    assertThat(counts.malformedLines()).isBetween(200L - 70, 200L + 70);

    String clean = events(CONFIG.withDisorder(5_000, 0.001, 0));
    assertThat(clean.split("\n")).hasSize(20_000);
    assertThat(out.toString()).contains(clean.substring(0, 10_000).split("\n")[5]);
  }

  @Test
  void pagesCsvHasAHeaderAndOneRowPerPage() throws IOException {
    StringWriter out = new StringWriter();
    ClickstreamText.writePages(CONFIG, out);
    String[] lines = out.toString().split("\n");
    assertThat(lines[0]).isEqualTo("pageId,category,title");
    assertThat(lines).hasSize(201);
    assertThat(lines[1]).startsWith("p1,");
    assertThat(lines[1].split(",")).hasSize(3);
  }
}
