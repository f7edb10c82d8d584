package io.streamsketch.flink.io;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsketch.generator.ClickstreamGenerator;
import io.streamsketch.generator.ClickstreamText;
import io.streamsketch.generator.GeneratorConfig;
import io.streamsketch.model.ClickEvent;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The canonical-line reader takes the generator's and the model's lines, and on every line, canonical or not, {@link
 * ClickEventParser#parse(byte[])} (which tries it first) gives what Jackson alone gives ({@link
 * ClickEventParser#parseAnyShape}): the same event, or a rejection with the same reason.
 */
class CanonicalEventLineTest {
  private static final String[] NUMBERS = {
    "0", "-0", "7", "-5", "1767225600217", "123456789012345678", "-123456789012345678", "1234567890123456789",
    "99999999999999999999", "01", "-", "1.5", "1e3", "\"7\"", "null", "253402300799999", "253402300800000", "-1"
  };
  private static final String[] STRINGS = {
    "\"u1\"", "\"\"", "\"a\\\"b\"", "\"a\\u0041\"", "\"x y\"", "\"\u00e9t\u00e9\"", "\"tab\t\"", "\"\u007f\"", "7",
    "null", "\"p|q\"", "\"\\\\\""
  };
  private static final String[] KINDS = {
    "\"VIEW\"", "\"AD_CLICK\"", "\"AD_IMPRESSION\"", "\"view\"", "\"CLICK\"", "\"\"", "\"VIEWS\"", "\"VIE\"", "null"
  };
  private static final String[] AD_IDS = {"null", "\"ad1\"", "\"\"", "nul", "NULL", "1", "\"a\\nd\""};

  @Test
  void readsEveryLineTheGeneratorAndTheModelWrite() throws IOException {
    ClickstreamGenerator events =
        new ClickstreamGenerator(GeneratorConfig.defaults().withEvents(5_000).withUsersAndPages(100, 50));
    while (events.hasNext()) {
      ClickEvent event = events.next();
      assertThat(CanonicalEventLine.parse(event.toJson().getBytes(StandardCharsets.UTF_8))).isEqualTo(event);
    }
    StringWriter out = new StringWriter();
    ClickstreamText.Counts counts =
        ClickstreamText.writeEvents(GeneratorConfig.defaults().withEvents(5_000).withUsersAndPages(100, 50), out);
    long read = 0;
    for (String line : out.toString().split("\n")) {
      if (CanonicalEventLine.parse(line.getBytes(StandardCharsets.UTF_8)) != null) {
        read++;
      }
    }
    assertThat(read).isEqualTo(counts.events());
  }

  @Test
  void parsesEveryLineAsJacksonDoes() {
    Random random = new Random(5);
    int canonical = 0;
    for (int i = 0; i < 200_000; i++) {
      String line = mutate(line(random), random);
      byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
      if (readsCanonically(bytes)) {
        canonical++;
      }
      Outcome ours = outcome(() -> ClickEventParser.parse(bytes));
      Outcome jacksons = outcome(() -> ClickEventParser.parseAnyShape(bytes));
      assertThat(ours).as(line).isEqualTo(jacksons);
    }
    assertThat(canonical).as("lines read by the canonical reader").isGreaterThan(10_000);
  }

  /** Whether the canonical reader reads the line: to an event, or to a rejection of its values. */
  private static boolean readsCanonically(byte[] line) {
    try {
      return CanonicalEventLine.parse(line) != null;
    } catch (MalformedEventException e) {
      return true;
    }
  }

  private record Outcome(ClickEvent event, String rejection) {}

  private static Outcome outcome(Supplier<ClickEvent> parse) {
    try {
      return new Outcome(parse.get(), null);
    } catch (MalformedEventException e) {
      return new Outcome(null, e.getMessage());
    }
  }

  /** A line in the canonical shape with values drawn from valid and invalid ones, valid ones more often. */
  private static String line(Random random) {
    String kind = pick(KINDS, random, 3);
    String adId = kind.equals("\"VIEW\"") && random.nextInt(4) > 0 ? "null" : pick(AD_IDS, random, 2);
    return "{\"eventId\":" + pick(NUMBERS, random, 5) + ",\"userId\":" + pick(STRINGS, random, 1) + ",\"pageId\":"
        + pick(STRINGS, random, 1) + ",\"kind\":" + kind + ",\"adId\":" + adId + ",\"eventTime\":"
        + pick(NUMBERS, random, 5) + "}";
  }

  /** One of the first {@code valid} values three times in four, else any. */
  private static String pick(String[] values, Random random, int valid) {
    return values[random.nextInt(4) > 0 ? random.nextInt(valid) : random.nextInt(values.length)];
  }

  /** Half the lines unchanged; the others with one change of shape. */
  private static String mutate(String line, Random random) {
    if (random.nextBoolean()) {
      return line;
    }
    int at = random.nextInt(line.length() + 1);
    List<String> fields = new ArrayList<>(List.of(line.substring(1, line.length() - 1).split(",(?=\")")));
    return switch (random.nextInt(9)) {
      case 0 -> line.substring(0, at) + " " + line.substring(at);
      case 1 -> at < line.length() ? line.substring(0, at) + line.substring(at + 1) : line + "\r";
      case 2 -> line.substring(0, line.length() - 1) + ",\"extra\":[1,{\"b\":2}]}";
      case 3 -> line + (random.nextBoolean() ? " " : "x");
      case 4 -> {
        int first = random.nextInt(fields.size());
        int second = random.nextInt(fields.size());
        String swapped = fields.get(first);
        fields.set(first, fields.get(second));
        fields.set(second, swapped);
        yield "{" + String.join(",", fields) + "}";
      }
      case 5 -> "{" + String.join(",", fields) + "," + fields.get(random.nextInt(fields.size())) + "}";
      case 6 -> "{" + String.join(",", fields.subList(0, random.nextInt(fields.size()))) + "}";
      case 7 -> line.substring(0, at) + "\u00e9" + line.substring(at);
      default -> line.substring(0, at);
    };
  }
}
