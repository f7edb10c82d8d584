package io.streamsketch.flink.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamsketch.generator.ClickstreamGenerator;
import io.streamsketch.generator.ClickstreamText;
import io.streamsketch.generator.GeneratorConfig;
import io.streamsketch.model.ClickEvent;
import io.streamsketch.model.EventKind;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ClickEventParserTest {

  @Test
  void parsesWhatTheModelWrites() {
    ClickstreamGenerator events =
        new ClickstreamGenerator(GeneratorConfig.defaults().withEvents(5_000).withUsersAndPages(100, 50));
    while (events.hasNext()) {
      ClickEvent event = events.next();
      assertThat(ClickEventParser.parse(event.toJson())).isEqualTo(event);
    }
  }

  @Test
  void ignoresUnknownFieldsAndAcceptsAnyFieldOrder() {
    ClickEvent event =
        ClickEventParser.parse(
            "{\"eventTime\":5,\"extra\":{\"a\":[1,2]},\"kind\":\"AD_CLICK\",\"adId\":\"ad1\","
                + "\"pageId\":\"p\",\"userId\":\"u\",\"eventId\":9}");
    assertThat(event).isEqualTo(new ClickEvent(9, "u", "p", EventKind.AD_CLICK, "ad1", 5));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "''|empty line",
        "[1,2]|not a JSON object",
        "{\"eventId\":1|invalid JSON",
        "{\"eventId\":1} {}|trailing content",
        "{\"userId\":\"u\",\"pageId\":\"p\",\"kind\":\"VIEW\",\"eventTime\":1}|missing eventId",
        "{\"eventId\":1,\"pageId\":\"p\",\"kind\":\"VIEW\",\"eventTime\":1}|missing userId",
        "{\"eventId\":1,\"userId\":\"u\",\"pageId\":\"p\",\"kind\":\"BUY\",\"eventTime\":1}|unknown kind 'BUY'",
        "{\"eventId\":1,\"userId\":\"u\",\"pageId\":\"p\",\"kind\":\"VIEW\",\"eventTime\":\"x\"}|eventTime must be an integer",
        "{\"eventId\":1.5,\"userId\":\"u\",\"pageId\":\"p\",\"kind\":\"VIEW\",\"eventTime\":1}|eventId must be an integer",
        "{\"eventId\":99999999999999999999,\"userId\":\"u\",\"pageId\":\"p\",\"kind\":\"VIEW\",\"eventTime\":1}|out of range",
        "{\"eventId\":1,\"userId\":\"u\",\"pageId\":\"p\",\"kind\":\"VIEW\",\"adId\":\"a\",\"eventTime\":1}|a VIEW has no adId",
        "{\"eventId\":1,\"userId\":\"u\",\"pageId\":\"p\",\"kind\":\"AD_CLICK\",\"eventTime\":1}|needs an adId",
        "{\"eventId\":1,\"userId\":\"\",\"pageId\":\"p\",\"kind\":\"VIEW\",\"eventTime\":1}|must not be empty",
        "{\"eventId\":1,\"userId\":\"u\",\"pageId\":\"p\",\"kind\":\"VIEW\",\"eventTime\":-9223372036854775808}"
            + "|eventTime -9223372036854775808 is out of range [0, 253402300799999]",
        "{\"eventId\":1,\"userId\":\"u\",\"pageId\":\"p\",\"kind\":\"VIEW\",\"eventTime\":-1}|eventTime -1 is out of range",
        "{\"eventId\":1,\"userId\":\"u\",\"pageId\":\"p\",\"kind\":\"VIEW\",\"eventTime\":253402300800000}"
            + "|eventTime 253402300800000 is out of range",
        "{\"eventId\":1,\"userId\":\"u\",\"pageId\":\"p\",\"kind\":\"VIEW\",\"eventTime\":9223372036854775807}"
            + "|is out of range",
      })
  void rejectsBadLinesWithAReason(String line, String reason) {
    assertThatThrownBy(() -> ClickEventParser.parse(line))
        .isInstanceOf(MalformedEventException.class)
        .hasMessageContaining(reason);
  }

  @Test
  void acceptsTheBoundsOfTheEventTimeRange() {
    for (long time : new long[] {ClickEvent.MIN_EVENT_TIME, ClickEvent.MAX_EVENT_TIME}) {
      ClickEvent event = new ClickEvent(1, "u", "p", EventKind.VIEW, null, time);
      assertThat(ClickEventParser.parse(event.toJson())).isEqualTo(event);
    }
  }

  @Test
  void rejectsInvalidUtf8InsteadOfReplacingIt() {
    // Two lines whose userIds differ only in an invalid byte would both decode to "u\uFFFD" if replaced.
    for (int invalid : new int[] {0xFF, 0xFE, 0xC3}) {
      byte[] line = bytes("{\"eventId\":1,\"userId\":\"u?\",\"pageId\":\"p\",\"kind\":\"VIEW\",\"eventTime\":1}");
      int at = indexOf(line, (byte) '?');
      line[at] = (byte) invalid;
      assertThatThrownBy(() -> ClickEventParser.parse(line))
          .isInstanceOf(MalformedEventException.class)
          .hasMessage("invalid UTF-8 at byte " + at);
    }
  }

  @Test
  void parsesValidMultiByteUtf8FromBytes() {
    ClickEvent event = new ClickEvent(1, "üser-日本", "p", EventKind.VIEW, null, 1);
    assertThat(ClickEventParser.parse(event.toJson().getBytes(StandardCharsets.UTF_8))).isEqualTo(event);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static int indexOf(byte[] bytes, byte b) {
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == b) {
        return i;
      }
    }
    throw new IllegalArgumentException("not found");
  }

  @Test
  void rejectsEveryBrokenLineTheGeneratorWrites() throws IOException {
    GeneratorConfig config =
        GeneratorConfig.defaults().withEvents(20_000).withUsersAndPages(500, 100).withDisorder(5_000, 0, 0.05);
    StringWriter out = new StringWriter();
    ClickstreamText.Counts counts = ClickstreamText.writeEvents(config, out);
    long valid = 0;
    long rejected = 0;
    for (String line : out.toString().split("\n")) {
      try {
        ClickEventParser.parse(line);
        valid++;
      } catch (MalformedEventException e) {
        rejected++;
      }
    }
    assertThat(valid).isEqualTo(counts.events());
    assertThat(rejected).isEqualTo(counts.malformedLines()).isPositive();
  }
}
