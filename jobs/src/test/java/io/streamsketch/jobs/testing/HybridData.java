package io.streamsketch.jobs.testing;

import io.streamsketch.model.ClickEvent;
import io.streamsketch.model.EventKind;
import io.streamsketch.model.PageWindowCount;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Test data for history-then-live runs: event number k happens at {@code T0 + 250 ms · k}, every fourth one 600 ms
 * late (out of order within the jobs' 2 s bound); one in five is an ad impression, the rest views of 13 pages. The
 * history is a range of k in a file, the live data a range of k in a topic of {@value #PARTITIONS} partitions (k mod
 * 3), each record stamped 5 s after its event time, as a producer writing shortly after the event would.
 */
public final class HybridData {
  public static final long T0 = 1_704_067_200_000L;
  public static final long MINUTE = 60_000;
  public static final int PARTITIONS = 3;
  public static final long PRODUCED_AFTER_EVENT_MS = 5_000;

  private HybridData() {}

  public static long time(int k) {
    return T0 + 250L * k + (k % 4 == 1 ? 600 : 0);
  }

  public static ClickEvent event(int k) {
    boolean impression = k % 5 == 0;
    return new ClickEvent(
        k,
        "u" + k % 50,
        "p" + k * 7 % 13,
        impression ? EventKind.AD_IMPRESSION : EventKind.VIEW,
        impression ? "ad" + k % 3 : null,
        time(k));
  }

  /** Writes events [from, to) as JSON lines, with one malformed line among them. */
  public static void writeHistory(Path file, int from, int to) throws IOException {
    List<String> lines = new ArrayList<>();
    for (int k = from; k < to; k++) {
      lines.add(event(k).toJson());
      if (k == (from + to) / 2) {
        lines.add("{\"eventId\": not json in the history");
      }
    }
    Files.write(file, lines, StandardCharsets.UTF_8);
  }

  /** The records of events [from, to), partition k mod 3, stamped 5 s after their event time. */
  public static List<ProducerRecord<byte[], byte[]>> records(String topic, int from, int to) {
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    for (int k = from; k < to; k++) {
      records.add(record(topic, k % PARTITIONS, time(k) + PRODUCED_AFTER_EVENT_MS, event(k).toJson()));
    }
    return records;
  }

  public static ProducerRecord<byte[], byte[]> record(String topic, int partition, long timestamp, String value) {
    return new ProducerRecord<>(topic, partition, timestamp, null, value.getBytes(StandardCharsets.UTF_8));
  }

  /** An ad click at {@code time} in every partition: it moves every partition's watermark and counts as no view. */
  public static List<ProducerRecord<byte[], byte[]>> clicksInEveryPartition(String topic, long time) {
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    for (int partition = 0; partition < PARTITIONS; partition++) {
      String click = new ClickEvent(-1 - partition, "flush", "p0", EventKind.AD_CLICK, "ad0", time).toJson();
      records.add(record(topic, partition, time, click));
    }
    return records;
  }

  /** The exact views per page per tumbling minute of events [from, to), keyed {@code page@start-end}. */
  public static Map<String, Long> exactViews(int from, int to) {
    Map<String, Long> exact = new TreeMap<>();
    for (int k = from; k < to; k++) {
      ClickEvent event = event(k);
      if (event.kind == EventKind.VIEW) {
        long start = event.eventTime - Math.floorMod(event.eventTime, MINUTE);
        exact.merge(window(event.pageId, start, start + MINUTE), 1L, Long::sum);
      }
    }
    return exact;
  }

  /**
   * For each (page, window), the views of its record with the highest firing, the last one received among equals (a
   * restored job emits again what it emitted after its checkpoint): the standing count.
   */
  public static Map<String, Long> standing(Iterable<PageWindowCount> counts) {
    Map<String, Long> standing = new TreeMap<>();
    Map<String, Integer> firings = new TreeMap<>();
    for (PageWindowCount count : counts) {
      String window = window(count.pageId, count.windowStart, count.windowEnd);
      if (count.firing >= firings.getOrDefault(window, -1)) {
        firings.put(window, count.firing);
        standing.put(window, count.views);
      }
    }
    return standing;
  }

  public static String window(String page, long start, long end) {
    return page + "@" + start + "-" + end;
  }
}
