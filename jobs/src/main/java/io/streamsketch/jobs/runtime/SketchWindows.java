package io.streamsketch.jobs.runtime;

import io.streamsketch.jobs.cli.Option;
import io.streamsketch.jobs.cli.ParsedArgs;
import java.time.Duration;
import java.util.List;

/**
 * The event-time settings the sketch jobs share: tumbling windows, lateness, watermarks, and how many partial
 * sketches a subtask holds before an early flush.
 */
public record SketchWindows(
    Duration window, Duration allowedLateness, Duration outOfOrderness, Duration idleness, int maxPartials) {

  public static final List<Option> OPTIONS =
      List.of(
          Option.value("window", "duration", "1m", "tumbling window size"),
          Option.value("allowed-lateness", "duration", "1m", "late events within this update their window"),
          Option.value("out-of-orderness", "duration", "2s", "how far the watermark trails the largest event time"),
          Option.value("idleness", "duration", "30s", "a source split silent this long stops holding the watermark"),
          Option.value("max-partials", "n", "10000", "partial sketches held per subtask before an early flush"));

  public SketchWindows {
    if (maxPartials < 1) {
      throw new IllegalArgumentException("--max-partials must be at least 1: " + maxPartials);
    }
  }

  /** 1 min windows; 1 min allowed lateness; 2 s out-of-orderness; 30 s idleness; 10,000 partials. */
  public static SketchWindows defaults() {
    return new SketchWindows(
        Duration.ofMinutes(1), Duration.ofMinutes(1), Duration.ofSeconds(2), Duration.ofSeconds(30), 10_000);
  }

  /** The watermark settings the job's sources apply. */
  public EventTime.Watermarks watermarks() {
    return new EventTime.Watermarks(outOfOrderness, idleness);
  }

  public static SketchWindows from(ParsedArgs args) {
    return new SketchWindows(
        args.duration("window"),
        args.nonNegativeDuration("allowed-lateness"),
        args.nonNegativeDuration("out-of-orderness"),
        args.duration("idleness"),
        args.intValue("max-partials", 1, Integer.MAX_VALUE));
  }
}
