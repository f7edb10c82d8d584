package io.streamsketch.jobs.runtime;

import io.streamsketch.flink.window.LateWindowRecord;
import io.streamsketch.flink.window.LateWindowRouter;
import io.streamsketch.flink.window.PaneWindowOperator;
import io.streamsketch.flink.window.PaneWindows;
import io.streamsketch.flink.window.WindowResult;
import io.streamsketch.jobs.cli.Option;
import io.streamsketch.jobs.cli.ParsedArgs;
import io.streamsketch.model.ClickEvent;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

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
          Option.value("max-partials", "n", "10000", "partial sketches (and, in pane windows, sketches, firing numbers and timers) held per subtask before an early flush"));

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

  /** The {@code --slide} option of the sketch jobs that offer sliding windows. */
  public static final Option SLIDE =
      Option.value(
          "slide",
          "duration",
          null,
          "slide the --window by this (at most --window) over shared panes instead of tumbling; not with --exact or"
              + " --verify");

  /** The {@code --slide} value, or null (tumbling windows) when it is not given. */
  public static Duration slide(ParsedArgs args) {
    return args.has("slide") ? args.duration("slide") : null;
  }

  /** Checks a sliding job's settings: one line for the user when they do not fit. */
  public void checkSlide(Duration slide, boolean exact, boolean verify) {
    if (slide == null) {
      return;
    }
    if (slide.compareTo(window) > 0) {
      throw new IllegalArgumentException("--slide (" + slide + ") must not be longer than --window (" + window + ")");
    }
    if (exact || verify) {
      throw new IllegalArgumentException("--slide works with the sketches only, not with --exact or --verify");
    }
  }

  /**
   * A sketch per key and {@code --window} sliding by {@code slide}, merged from shared panes ({@link
   * PaneWindowOperator}): each view updates one pane in memory, and keyed state sees one write per (key, pane) per
   * flush; {@code --max-partials} bounds the panes held. Late (view, window) pairs go to {@link
   * LateWindowRouter#LATE_WINDOWS}.
   */
  public <ACC, OUT> SingleOutputStreamOperator<OUT> slidingPanes(
      KeyedStream<ClickEvent, String> views,
      String uid,
      Duration slide,
      AggregateFunction<ClickEvent, ACC, ?> aggregate,
      TypeSerializer<ACC> accumulatorSerializer,
      WindowResult<String, ACC, OUT> result,
      TypeInformation<OUT> resultType) {
    String name = uid.substring(uid.lastIndexOf('/') + 1);
    return views
        .transform(
            name,
            resultType,
            new PaneWindowOperator<>(
                PaneWindows.sliding(window, slide),
                allowedLateness,
                aggregate,
                accumulatorSerializer,
                result,
                LateWindowRouter.LATE_WINDOWS,
                LateWindowRecord.lateEvent(),
                maxPartials,
                false))
        .uid(uid)
        .name(name);
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
