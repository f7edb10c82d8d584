package io.streamsketch.jobs.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsketch.flink.io.ClickEventParser;
import io.streamsketch.generator.ClickstreamGenerator;
import io.streamsketch.generator.GeneratorConfig;
import io.streamsketch.jobs.StreamSketchCli;
import io.streamsketch.model.ClickEvent;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Runs a sketch job through the CLI on the generator at parallelism 2 (both subtasks read, so partials of two subtasks
 * merge), and recomputes what the job saw from the same deterministic generator.
 */
public final class GeneratedRuns {
  public static final long MINUTE = 60_000;

  private GeneratedRuns() {}

  /** Runs {@code job} on {@code config}'s events at parallelism 2, writing to {@code output}; returns the summary. */
  public static String run(String job, GeneratorConfig config, Path output, String... options) throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                job,
                "--output", output.toString(),
                "--parallelism", "2",
                "--events", Long.toString(config.events()),
                "--seed", Long.toString(config.seed()),
                "--users", Integer.toString(config.users()),
                "--pages", Integer.toString(config.pages()),
                "--max-delay", config.maxDelayMillis() + "ms",
                "--late-fraction", Double.toString(config.lateFraction())));
    args.addAll(List.of(options));
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    int status =
        StreamSketchCli.run(args.toArray(String[]::new), new PrintStream(stdout, true, StandardCharsets.UTF_8), System.err);
    String summary = stdout.toString(StandardCharsets.UTF_8);
    assertThat(status).as(summary).isZero();
    return summary;
  }

  /**
   * The events that {@code filter} keeps and the job did not route to its late output ({@code lateFolder}), by
   * the start of their one-minute window, in arrival order. Asserts that the late output holds only such events.
   */
  public static Map<Long, List<ClickEvent>> acceptedByWindow(
      GeneratorConfig config, Path lateFolder, Predicate<ClickEvent> filter) throws Exception {
    Set<Long> late = new HashSet<>();
    for (String line : OutputFiles.lines(lateFolder)) {
      late.add(ClickEventParser.parse(line).eventId);
    }
    Map<Long, List<ClickEvent>> windows = new TreeMap<>();
    int lateSeen = 0;
    for (ClickEvent event : generated(config, filter)) {
      if (late.contains(event.eventId)) {
        lateSeen++;
        continue;
      }
      long start = event.eventTime - Math.floorMod(event.eventTime, MINUTE);
      windows.computeIfAbsent(start, w -> new ArrayList<>()).add(event);
    }
    assertThat(lateSeen).as("late events are events of the input").isEqualTo(late.size()).isPositive();
    return windows;
  }

  /**
   * The events that {@code filter} keeps, by the start of each sliding window ({@code size} every {@code slide}) that
   * counted them: all but the (event, window) pairs in the late output {@code lateFolder}. Asserts that the late
   * output holds only pairs of such events and windows, each once.
   */
  public static Map<Long, List<ClickEvent>> acceptedBySlidingWindow(
      GeneratorConfig config, Path lateFolder, Predicate<ClickEvent> filter, long size, long slide) throws Exception {
    Set<String> late = new HashSet<>();
    for (String line : OutputFiles.lines(lateFolder)) {
      Map<String, Object> fields = OutputFiles.fields(line);
      assertThat(late.add(fields.get("eventId") + "@" + fields.get("windowStart"))).as("late once: %s", line).isTrue();
    }
    Map<Long, List<ClickEvent>> windows = new TreeMap<>();
    int lateSeen = 0;
    for (ClickEvent event : generated(config, filter)) {
      for (long start = event.eventTime - Math.floorMod(event.eventTime, slide); start > event.eventTime - size; start -= slide) {
        if (late.contains(event.eventId + "@" + start)) {
          lateSeen++;
        } else {
          windows.computeIfAbsent(start, w -> new ArrayList<>()).add(event);
        }
      }
    }
    assertThat(lateSeen).as("late pairs are pairs of the input").isEqualTo(late.size());
    return windows;
  }

  /** The events of {@code config} that {@code filter} keeps, in arrival order. */
  private static List<ClickEvent> generated(GeneratorConfig config, Predicate<ClickEvent> filter) {
    List<ClickEvent> kept = new ArrayList<>();
    ClickstreamGenerator events = new ClickstreamGenerator(config);
    while (events.hasNext()) {
      ClickEvent event = events.next();
      if (filter.test(event)) {
        kept.add(event);
      }
    }
    return kept;
  }

  /** The lines of one output, keyed by {@code key}, keeping the line with the highest firing per key. */
  public static Map<String, String> highestFirings(Path folder, java.util.function.Function<Map<String, Object>, String> key)
      throws Exception {
    return highestFirings(folder, MINUTE, key);
  }

  /** As {@link #highestFirings(Path, java.util.function.Function)}, for windows of {@code windowMillis}. */
  public static Map<String, String> highestFirings(
      Path folder, long windowMillis, java.util.function.Function<Map<String, Object>, String> key) throws Exception {
    Map<String, String> latest = new TreeMap<>();
    Map<String, Long> firings = new TreeMap<>();
    for (String line : OutputFiles.lines(folder)) {
      Map<String, Object> fields = OutputFiles.fields(line);
      assertThat((Long) fields.get("windowEnd") - (Long) fields.get("windowStart")).isEqualTo(windowMillis);
      String k = key.apply(fields);
      long firing = (Long) fields.get("firing");
      if (firing > firings.getOrDefault(k, -1L)) {
        firings.put(k, firing);
        latest.put(k, line);
      }
    }
    return latest;
  }
}
