package io.streamsketch.benchmarks.sql;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The SQL equivalent of each of our jobs at its default options: the same windows, the same out-of-orderness, the
 * same aggregates, over the {@code events} table ({@code ts} is the event-time attribute). What SQL does differently
 * (late events are dropped, not written; no firing numbers; no session length limit) is listed in
 * {@code benchmarks/results/REPORT.md}.
 */
enum SqlJob {
  WINDOWED_COUNTS(
      "windowed-counts",
      Duration.ofSeconds(2),
      List.of(pageViewsView()),
      outputs(
          "tumbling-counts",
          new Output(
              windowColumns("pageId STRING", "views BIGINT"),
              "SELECT pageId, window_start, window_end, COUNT(*)"
                  + " FROM TABLE(TUMBLE(TABLE page_views, DESCRIPTOR(ts), INTERVAL '1' MINUTE))"
                  + " GROUP BY pageId, window_start, window_end"),
          "sliding-counts",
          new Output(
              windowColumns("pageId STRING", "views BIGINT"),
              "SELECT pageId, window_start, window_end, COUNT(*)"
                  + " FROM TABLE(HOP(TABLE page_views, DESCRIPTOR(ts), INTERVAL '5' MINUTE, INTERVAL '10' MINUTE))"
                  + " GROUP BY pageId, window_start, window_end"))),

  SESSIONS(
      "sessions",
      Duration.ofSeconds(2),
      List.of(),
      outputs(
          "sessions",
          new Output(
              List.of(
                  "userId STRING", "sessionStart BIGINT", "sessionEnd BIGINT", "events BIGINT", "views BIGINT",
                  "adImpressions BIGINT", "adClicks BIGINT", "distinctPages BIGINT", "entryPage STRING",
                  "exitPage STRING"),
              "SELECT userId, MIN(eventTime), MAX(eventTime), COUNT(*),"
                  + " SUM(CASE WHEN kind = 'VIEW' THEN 1 ELSE 0 END),"
                  + " SUM(CASE WHEN kind = 'AD_IMPRESSION' THEN 1 ELSE 0 END),"
                  + " SUM(CASE WHEN kind = 'AD_CLICK' THEN 1 ELSE 0 END),"
                  + " COUNT(DISTINCT pageId),"
                  + " SUBSTRING(MIN(" + timeIdPage() + ") FROM 33), SUBSTRING(MAX(" + timeIdPage() + ") FROM 33)"
                  + " FROM TABLE(SESSION(TABLE events PARTITION BY userId, DESCRIPTOR(ts), INTERVAL '30' MINUTE))"
                  + " GROUP BY userId, window_start, window_end"))),

  UNIQUE_VISITORS(
      "unique-visitors", Duration.ofSeconds(2), List.of(pageViewsView()), uniqueVisitors(Duration.ofMinutes(1))),

  /**
   * An impression is clicked if a click of the same user and ad falls within [0, 10 min] after it; it counts once
   * however many do, hence the distinct impression ids.
   */
  CTR(
      "ctr",
      Duration.ofMinutes(1),
      List.of(
          "CREATE TEMPORARY VIEW impression_clicks AS"
              + " SELECT i.eventId AS impressionId, i.adId, i.ts, c.eventId AS clickId"
              + " FROM (SELECT * FROM events WHERE kind = 'AD_IMPRESSION') i"
              + " LEFT JOIN (SELECT * FROM events WHERE kind = 'AD_CLICK') c"
              + " ON i.userId = c.userId AND i.adId = c.adId"
              + " AND c.ts BETWEEN i.ts AND i.ts + INTERVAL '10' MINUTE"),
      outputs(
          "ad-ctr",
          new Output(
              windowColumns("adId STRING", "impressions BIGINT", "clickedImpressions BIGINT", "ctr DOUBLE"),
              "SELECT adId, window_start, window_end, COUNT(DISTINCT impressionId),"
                  + " COUNT(DISTINCT CASE WHEN clickId IS NOT NULL THEN impressionId END),"
                  + " CAST(COUNT(DISTINCT CASE WHEN clickId IS NOT NULL THEN impressionId END) AS DOUBLE)"
                  + " / COUNT(DISTINCT impressionId)"
                  + " FROM TABLE(TUMBLE(TABLE impression_clicks, DESCRIPTOR(ts), INTERVAL '1' HOUR))"
                  + " GROUP BY adId, window_start, window_end")));

  /** One result table: its columns (as in a CREATE TABLE) and the query that fills it. */
  record Output(List<String> columns, String query) {}

  private final String name;
  private final Duration outOfOrderness;
  private final List<String> views;
  private final Map<String, Output> outputs;

  SqlJob(String name, Duration outOfOrderness, List<String> views, Map<String, Output> outputs) {
    this.name = name;
    this.outOfOrderness = outOfOrderness;
    this.views = views;
    this.outputs = outputs;
  }

  /** The job of that name, or null. */
  static SqlJob byName(String name) {
    return Arrays.stream(values()).filter(job -> job.name.equals(name)).findFirst().orElse(null);
  }

  static String names() {
    return Arrays.stream(values()).map(job -> job.name).collect(Collectors.joining("|"));
  }

  String jobName() {
    return name;
  }

  Duration outOfOrderness() {
    return outOfOrderness;
  }

  /** Views to create before the queries. */
  List<String> views() {
    return views;
  }

  /** Result tables by name, in order. */
  Map<String, Output> outputs() {
    return outputs;
  }

  /**
   * The result tables with another tumbling window than our jobs' default (1 min): {@code unique-visitors} only, the
   * one job whose state the report compares at several window sizes.
   *
   * @throws IllegalArgumentException for another job, or a window that is not a positive whole number of seconds
   */
  Map<String, Output> outputs(Duration window) {
    if (this != UNIQUE_VISITORS) {
      throw new IllegalArgumentException("--window is for unique-visitors only, not " + name);
    }
    return uniqueVisitors(window);
  }

  private static Map<String, Output> uniqueVisitors(Duration window) {
    String tumble = "TUMBLE(TABLE page_views, DESCRIPTOR(ts), " + interval(window) + ")";
    return outputs(
        "unique-visitors",
        new Output(
            windowColumns("pageId STRING", "visitors BIGINT"),
            "SELECT pageId, window_start, window_end, COUNT(DISTINCT userId)"
                + " FROM TABLE(" + tumble + ")"
                + " GROUP BY pageId, window_start, window_end"),
        "unique-visitors-global",
        new Output(
            windowColumns("pageId STRING", "visitors BIGINT"),
            "SELECT '*', window_start, window_end, COUNT(DISTINCT userId)"
                + " FROM TABLE(" + tumble + ")"
                + " GROUP BY window_start, window_end"));
  }

  /**
   * A SQL interval literal of the window in its largest whole unit: {@code INTERVAL '1' HOUR}. SQL's default leading
   * precision of a unit is 2 digits, so a longer count names its precision: {@code INTERVAL '120' SECOND(3)}.
   */
  static String interval(Duration window) {
    if (window.isNegative() || window.isZero() || window.toMillis() % 1000 != 0) {
      throw new IllegalArgumentException("the window must be a positive whole number of seconds, not " + window);
    }
    long seconds = window.toSeconds();
    long count;
    String unit;
    if (seconds % 3600 == 0) {
      count = seconds / 3600;
      unit = "HOUR";
    } else if (seconds % 60 == 0) {
      count = seconds / 60;
      unit = "MINUTE";
    } else {
      count = seconds;
      unit = "SECOND";
    }
    int digits = Long.toString(count).length();
    return "INTERVAL '" + count + "' " + unit + (digits > 2 ? "(" + digits + ")" : "");
  }

  private static String pageViewsView() {
    return "CREATE TEMPORARY VIEW page_views AS SELECT * FROM events WHERE kind = 'VIEW'";
  }

  /**
   * The event's time, id and page as one string that sorts by time, then id: its MIN and MAX give the entry and exit
   * pages (ties as in our sessions). FIRST_VALUE and LAST_VALUE would take arrival order, and cannot merge sessions.
   */
  private static String timeIdPage() {
    return "LPAD(CAST(eventTime AS STRING), 16, '0') || LPAD(CAST(eventId AS STRING), 16, '0') || pageId";
  }

  private static List<String> windowColumns(String key, String... values) {
    List<String> columns = new ArrayList<>();
    columns.add(key);
    columns.add("windowStart TIMESTAMP(3)");
    columns.add("windowEnd TIMESTAMP(3)");
    columns.addAll(List.of(values));
    return columns;
  }

  private static Map<String, Output> outputs(Object... nameAndOutput) {
    Map<String, Output> outputs = new LinkedHashMap<>();
    for (int i = 0; i < nameAndOutput.length; i += 2) {
      outputs.put((String) nameAndOutput[i], (Output) nameAndOutput[i + 1]);
    }
    return outputs;
  }
}
