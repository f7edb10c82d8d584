package io.streamsketch.generator;

import io.streamsketch.model.ClickEvent;
import java.io.IOException;
import java.io.Writer;
import java.util.SplittableRandom;

/**
 * The generator's text outputs: events as JSON lines, with a fraction of extra broken lines, and the page dimension
 * as {@code pages.csv}.
 */
public final class ClickstreamText {
  /** Its own stream, so the malformed fraction never changes the events. */
  private static final long MALFORMED_STREAM = 0x6d616c666f726d65L;

  private static final String[] CATEGORIES = {
    "news", "sports", "tech", "travel", "food", "finance", "health", "music"
  };

  private ClickstreamText() {}

  /** What {@link #writeEvents} wrote. */
  public record Counts(long events, long malformedLines) {}

  /**
   * Writes every event of {@code config} as a JSON line. After each event, with probability {@code
   * malformedFraction}, a broken line follows: one of five kinds of damage that a parser must reject.
   */
  public static Counts writeEvents(GeneratorConfig config, Writer out) throws IOException {
    SplittableRandom damage = new SplittableRandom(config.seed() ^ MALFORMED_STREAM);
    ClickstreamGenerator events = new ClickstreamGenerator(config);
    long malformed = 0;
    while (events.hasNext()) {
      String line = events.next().toJson();
      out.write(line);
      out.write('\n');
      if (config.malformedFraction() > 0 && damage.nextDouble() < config.malformedFraction()) {
        out.write(broken(line, damage.nextInt(5)));
        out.write('\n');
        malformed++;
      }
    }
    return new Counts(config.events(), malformed);
  }

  /** A line derived from a valid event line that no parser may accept. */
  static String broken(String line, int kind) {
    return switch (kind) {
      case 0 -> line.substring(0, line.length() / 2);
      case 1 -> line.replaceFirst("\"kind\":\"[A-Z_]+\"", "\"kind\":\"PURCHASE\"");
      case 2 -> line.replaceFirst("\"eventTime\":-?[0-9]+", "\"eventTime\":\"yesterday\"");
      case 3 -> line.replaceFirst("\"userId\":\"[^\"]*\",", "");
      default -> "#" + Integer.toHexString(line.hashCode()) + " not an event";
    };
  }

  /** Writes {@code pages.csv}: a header, then one row per page of the configuration, by rank. */
  public static void writePages(GeneratorConfig config, Writer out) throws IOException {
    SplittableRandom random = new SplittableRandom(config.seed());
    out.write("pageId,category,title\n");
    for (int rank = 1; rank <= config.pages(); rank++) {
      String category = CATEGORIES[random.nextInt(CATEGORIES.length)];
      out.write(ClickstreamGenerator.pageId(rank) + "," + category + ",Page " + rank + " of " + category + "\n");
    }
  }
}
