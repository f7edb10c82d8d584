package io.streamsketch.jobs.runtime;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.SortedMap;

/**
 * The text of the progress line of a local run, for example {@code events 412,300 (81,200/s) | watermark 2026-01-01
 * 00:10:07 (lag 3.0 s) | checkpoints 2 | late-sliding 412 | sliding-counts 51,002}: the most useful fields first,
 * so that cutting it to the terminal's width drops outputs, not the event count.
 */
final class ProgressLine {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT).withZone(ZoneOffset.UTC);
  private static final String SEPARATOR = " | ";
  private static final String CUT = "...";

  private ProgressLine() {}

  /**
   * What Flink's metrics said at one moment.
   *
   * @param events the input's valid events so far
   * @param newestEventTime the largest event time read (epoch ms); null before the first event
   * @param watermark the job's watermark (epoch ms; {@link Long#MAX_VALUE} at the end of the input); null while there
   *     is none, and always for a job without event time
   * @param checkpoints completed checkpoints; null while the job manager has not reported them
   * @param outputs records per output, by name
   */
  record Sample(long events, Long newestEventTime, Long watermark, Long checkpoints, SortedMap<String, Long> outputs) {}

  /**
   * The line for {@code sample}, with the event rate ({@code eventsPerSecond}, null while unknown), at most {@code
   * width} characters long.
   */
  static String format(Sample sample, Double eventsPerSecond, int width) {
    StringBuilder line = new StringBuilder("events ").append(count(sample.events()));
    if (eventsPerSecond != null) {
      line.append(" (").append(count(Math.round(eventsPerSecond))).append("/s)");
    }
    line.append(SEPARATOR).append("watermark ").append(watermark(sample));
    if (sample.checkpoints() != null) {
      line.append(SEPARATOR).append("checkpoints ").append(count(sample.checkpoints()));
    }
    sample.outputs().forEach((name, records) -> line.append(SEPARATOR).append(name).append(' ').append(count(records)));
    return line.length() <= width ? line.toString() : line.substring(0, Math.max(0, width - CUT.length())) + CUT;
  }

  private static String watermark(Sample sample) {
    Long watermark = sample.watermark();
    if (watermark == null) {
      return "none";
    }
    if (watermark == Long.MAX_VALUE) {
      return "end of input";
    }
    String time = TIME.format(Instant.ofEpochMilli(watermark));
    if (sample.newestEventTime() == null) {
      return time;
    }
    // The metrics are read one after the other, so the watermark may be a little newer than the event time read.
    return time + " (lag " + duration(Math.max(0, sample.newestEventTime() - watermark)) + ")";
  }

  /** A duration as a person reads it at a glance: {@code 3.0 s}, {@code 42 s}, {@code 17 min}, {@code 5.2 h}. */
  static String duration(long millis) {
    if (millis < 10_000) {
      return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }
    if (millis < 100_000) {
      return millis / 1000 + " s";
    }
    if (millis < 100 * 60_000) {
      return millis / 60_000 + " min";
    }
    if (millis < 48 * 3_600_000L) {
      return String.format(Locale.ROOT, "%.1f h", millis / 3_600_000.0);
    }
    return String.format(Locale.ROOT, "%.1f d", millis / 86_400_000.0);
  }

  private static String count(long value) {
    return String.format(Locale.ROOT, "%,d", value);
  }
}
