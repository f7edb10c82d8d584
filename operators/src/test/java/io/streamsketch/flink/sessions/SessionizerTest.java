package io.streamsketch.flink.sessions;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsketch.flink.io.SideOutputs;
import io.streamsketch.model.ClickEvent;
import io.streamsketch.model.EventKind;
import io.streamsketch.model.SessionSummary;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The sessionizer on a test harness, one case per rule. Defaults: 30 min gap, 4 h maximum length, 1 min allowed
 * lateness. After each case no state and no timer are left for closed sessions.
 */
class SessionizerTest {
  private static final long SECOND = 1_000;
  private static final long MINUTE = 60 * SECOND;
  private static final long HOUR = 60 * MINUTE;
  private static final long T0 = 1_767_225_600_000L;

  private KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, SessionSummary> harness;
  private long nextEventId;

  /** The operator that runs the sessionizer: Flink's; subclasses run it write-back. */
  OneInputStreamOperator<ClickEvent, SessionSummary> operator(Sessionizer sessionizer) {
    return new KeyedProcessOperator<>(sessionizer);
  }

  /** The keyed state entries, after the operator wrote what it holds in memory (as it does before any snapshot). */
  private int keyedStateEntries() throws Exception {
    harness.prepareSnapshotPreBarrier(0);
    return harness.numKeyedStateEntries();
  }

  @AfterEach
  void nothingIsLeft() throws Exception {
    assertThat(keyedStateEntries()).as("keyed state entries").isZero();
    assertThat(harness.numEventTimeTimers()).as("event-time timers").isZero();
    harness.close();
  }

  @Test
  void theGapClosesASession() throws Exception {
    harness = open(Duration.ofMinutes(1));
    send("u1", "p1", EventKind.VIEW, T0);
    send("u1", "p2", EventKind.AD_IMPRESSION, T0 + MINUTE);
    send("u2", "p3", EventKind.VIEW, T0 + 10 * SECOND);
    send("u1", "p2", EventKind.AD_CLICK, T0 + 2 * MINUTE);
    assertThat(harness.numEventTimeTimers()).as("one timer per user").isEqualTo(2);

    harness.processWatermark(T0 + 32 * MINUTE - 2);
    assertThat(drain()).extracting(s -> s.userId).containsExactly("u2");

    harness.processWatermark(T0 + 32 * MINUTE - 1);
    List<SessionSummary> closed = drain();
    assertThat(closed).containsExactly(summary("u1", T0, T0 + 2 * MINUTE, 3, 1, 1, 1, 2, "p1", "p2", 0, false));
    assertThat(keyedStateEntries()).as("u1 stays revisable for the allowed lateness").isEqualTo(1);

    harness.processWatermark(T0 + 33 * MINUTE - 1);
    assertThat(drain()).isEmpty();
  }

  @Test
  void theMaximumLengthSplitsASession() throws Exception {
    harness = open(Duration.ofMinutes(1));
    for (long t = T0; t <= T0 + 5 * HOUR; t += 20 * MINUTE) {
      send("u1", "p" + (t - T0) / MINUTE, EventKind.VIEW, t);
    }
    harness.processWatermark(T0 + 6 * HOUR);
    assertThat(drain())
        .containsExactly(
            summary("u1", T0, T0 + 4 * HOUR, 13, 13, 0, 0, 13, "p0", "p240", 0, false),
            summary("u1", T0 + 4 * HOUR + 20 * MINUTE, T0 + 5 * HOUR, 3, 3, 0, 0, 3, "p260", "p300", 0, false));
  }

  @Test
  void aLateEventUpdatesAnEmittedSession() throws Exception {
    harness = open(Duration.ofMinutes(1));
    send("u1", "p1", EventKind.VIEW, T0);
    send("u1", "p2", EventKind.VIEW, T0 + 10 * MINUTE);
    harness.processWatermark(T0 + 40 * MINUTE - 1);
    assertThat(drain()).containsExactly(summary("u1", T0, T0 + 10 * MINUTE, 2, 2, 0, 0, 2, "p1", "p2", 0, false));

    send("u1", "p3", EventKind.AD_IMPRESSION, T0 + 5 * MINUTE);
    assertThat(drain()).containsExactly(summary("u1", T0, T0 + 10 * MINUTE, 3, 2, 1, 0, 3, "p1", "p2", 1, false));

    // An event before the start changes the session's key: the old key is retracted.
    send("u1", "p4", EventKind.VIEW, T0 - 2 * MINUTE);
    assertThat(drain())
        .containsExactly(
            summary("u1", T0, T0 + 10 * MINUTE, 3, 2, 1, 0, 3, "p1", "p2", 2, true),
            summary("u1", T0 - 2 * MINUTE, T0 + 10 * MINUTE, 4, 3, 1, 0, 4, "p4", "p2", 2, false));

    harness.processWatermark(T0 + 41 * MINUTE - 1);
    assertThat(drain()).isEmpty();
  }

  @Test
  void aLateEventMergesTwoEmittedSessions() throws Exception {
    // Two emitted sessions are both revisable only if the lateness exceeds the distance between their ends.
    harness = open(Duration.ofHours(2));
    send("u1", "p1", EventKind.VIEW, T0);
    send("u1", "p2", EventKind.VIEW, T0 + 40 * MINUTE);
    harness.processWatermark(T0 + 70 * MINUTE - 1);
    assertThat(drain())
        .containsExactly(
            summary("u1", T0, T0, 1, 1, 0, 0, 1, "p1", "p1", 0, false),
            summary("u1", T0 + 40 * MINUTE, T0 + 40 * MINUTE, 1, 1, 0, 0, 1, "p2", "p2", 0, false));

    send("u1", "p3", EventKind.VIEW, T0 + 20 * MINUTE);
    assertThat(drain())
        .containsExactly(
            summary("u1", T0 + 40 * MINUTE, T0 + 40 * MINUTE, 1, 1, 0, 0, 1, "p2", "p2", 1, true),
            summary("u1", T0, T0 + 40 * MINUTE, 3, 3, 0, 0, 3, "p1", "p2", 1, false));

    harness.processWatermark(T0 + 40 * MINUTE + 30 * MINUTE - 1 + 2 * HOUR);
    assertThat(drain()).isEmpty();
  }

  @Test
  void aLateEventBridgesAnEmittedSessionAndAnOpenOne() throws Exception {
    harness = open(Duration.ofMinutes(1));
    send("u1", "p1", EventKind.VIEW, T0);
    send("u1", "p2", EventKind.VIEW, T0 + 30 * MINUTE + 30 * SECOND);
    harness.processWatermark(T0 + 30 * MINUTE + 10 * SECOND);
    assertThat(drain()).containsExactly(summary("u1", T0, T0, 1, 1, 0, 0, 1, "p1", "p1", 0, false));

    send("u1", "p3", EventKind.AD_CLICK, T0 + 15 * MINUTE);
    assertThat(drain())
        .as("the open session was never emitted, so only the emitted one is revised")
        .containsExactly(summary("u1", T0, T0 + 30 * MINUTE + 30 * SECOND, 3, 2, 0, 1, 3, "p1", "p2", 1, false));

    harness.processWatermark(T0 + 2 * HOUR);
    assertThat(drain()).as("already emitted with its last change").isEmpty();
  }

  @Test
  void aTooLateEventGoesToTheSideOutput() throws Exception {
    harness = open(Duration.ofMinutes(1));
    send("u1", "p1", EventKind.VIEW, T0);
    harness.processWatermark(T0 + 40 * MINUTE);
    assertThat(drain()).hasSize(1);
    assertThat(keyedStateEntries()).isZero();

    // Its own session would have been final at t + gap - 1 ms + lateness = T0 + 40 min.
    ClickEvent tooLate = send("u1", "p2", EventKind.VIEW, T0 + 9 * MINUTE + 1);
    assertThat(drain()).isEmpty();
    assertThat(harness.getSideOutput(SideOutputs.LATE_EVENTS))
        .extracting(StreamRecord::getValue)
        .containsExactly(tooLate);

    // One millisecond later it still gets a session of its own, due at once.
    send("u1", "p3", EventKind.VIEW, T0 + 9 * MINUTE + 2);
    assertThat(drain())
        .containsExactly(
            summary("u1", T0 + 9 * MINUTE + 2, T0 + 9 * MINUTE + 2, 1, 1, 0, 0, 1, "p3", "p3", 0, false));
    harness.processWatermark(T0 + 40 * MINUTE + 1);
    assertThat(drain()).isEmpty();
    assertThat(harness.getSideOutput(SideOutputs.LATE_EVENTS)).hasSize(1);
  }

  @Test
  void aWatermarkFarAheadClosesEverythingAtOnce() throws Exception {
    harness = open(Duration.ofMinutes(1));
    send("u1", "p1", EventKind.VIEW, T0);
    send("u1", "p2", EventKind.VIEW, T0 + HOUR);
    send("u2", "p1", EventKind.VIEW, T0 + 5 * MINUTE);
    harness.processWatermark(T0 + 30 * MINUTE); // u1's first session is due
    assertThat(drain()).extracting(s -> s.sessionStart).containsExactly(T0);
    send("u3", "p9", EventKind.VIEW, T0 + 50 * MINUTE);

    harness.processWatermark(T0 + 10 * 24 * HOUR);
    assertThat(drain())
        .containsExactlyInAnyOrder(
            summary("u1", T0 + HOUR, T0 + HOUR, 1, 1, 0, 0, 1, "p2", "p2", 0, false),
            summary("u2", T0 + 5 * MINUTE, T0 + 5 * MINUTE, 1, 1, 0, 0, 1, "p1", "p1", 0, false),
            summary("u3", T0 + 50 * MINUTE, T0 + 50 * MINUTE, 1, 1, 0, 0, 1, "p9", "p9", 0, false));
  }

  private KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, SessionSummary> open(
      Duration allowedLateness) throws Exception {
    Sessionizer sessionizer =
        new Sessionizer(Duration.ofMinutes(30), Duration.ofHours(4), allowedLateness, Duration.ofDays(1));
    KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, SessionSummary> harness =
        new KeyedOneInputStreamOperatorTestHarness<>(
            operator(sessionizer), event -> event.userId, Types.STRING);
    Configuration noKryo = new Configuration();
    noKryo.set(PipelineOptions.GENERIC_TYPES, false);
    harness.getExecutionConfig().configure(noKryo, SessionizerTest.class.getClassLoader());
    harness.open();
    return harness;
  }

  private ClickEvent send(String user, String page, EventKind kind, long time) throws Exception {
    ClickEvent event = new ClickEvent(nextEventId++, user, page, kind, kind == EventKind.VIEW ? null : "ad1", time);
    harness.processElement(event, time);
    return event;
  }

  private List<SessionSummary> drain() {
    List<SessionSummary> out = harness.extractOutputValues();
    harness.getOutput().clear();
    return out;
  }

  private static SessionSummary summary(
      String user,
      long start,
      long end,
      long events,
      long views,
      long impressions,
      long clicks,
      long pages,
      String entry,
      String exit,
      int revision,
      boolean retracted) {
    SessionSummary s = new SessionSummary();
    s.userId = user;
    s.sessionStart = start;
    s.sessionEnd = end;
    s.events = events;
    s.views = views;
    s.adImpressions = impressions;
    s.adClicks = clicks;
    s.distinctPages = pages;
    s.entryPage = entry;
    s.exitPage = exit;
    s.revision = revision;
    s.retracted = retracted;
    return s;
  }
}
