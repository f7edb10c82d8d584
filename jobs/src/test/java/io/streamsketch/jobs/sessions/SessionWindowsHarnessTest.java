package io.streamsketch.jobs.sessions;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsketch.flink.io.SideOutputs;
import io.streamsketch.jobs.testing.OperatorHarnesses;
import io.streamsketch.model.ClickEvent;
import io.streamsketch.model.EventKind;
import io.streamsketch.model.SessionSummary;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.StreamOperatorFactory;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * Issue 8, item 1, for {@code sessions --implementation windows}: Flink's session windows route an event to the late
 * output only when it is late for all its windows, as sliding windows do; but a merging assigner gives an event one
 * window at a time (its own, merged into the sessions it touches), and a merge cannot make a window later than the
 * event's own. So every event must be in exactly one standing session or in the late output.
 */
class SessionWindowsHarnessTest {
  private static final long SECOND = 1_000;
  private static final long MINUTE = 60 * SECOND;

  @Test
  void everyEventIsInOneStandingSessionOrLate() throws Exception {
    SessionsJob.Settings defaults = SessionsJob.Settings.defaults();
    SessionsJob.Settings settings =
        new SessionsJob.Settings(
            defaults.gap(),
            defaults.maxLength(),
            Duration.ofMinutes(5),
            defaults.outOfOrderness(),
            defaults.idleness(),
            defaults.stateTtl(),
            SessionsJob.Implementation.WINDOWS);
    StreamOperatorFactory<SessionSummary> windows =
        OperatorHarnesses.operatorFactory(
            SessionsJob.build(OperatorHarnesses.graphInput(), settings).sessions().getTransformation());

    try (KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, SessionSummary> harness =
        new KeyedOneInputStreamOperatorTestHarness<>(windows, event -> event.userId, Types.STRING)) {
      harness.open();
      // Forty users; a tenth of the events up to 70 min behind the stream: some join or merge open sessions within the
      // 5 min lateness, some are too late.
      Random random = new Random(8);
      long maxTime = 1_704_067_200_000L;
      long watermark = Long.MIN_VALUE;
      Map<String, Long> eventsPerUser = new HashMap<>();
      for (long id = 0; id < 8_000; id++) {
        maxTime += random.nextInt((int) MINUTE);
        long time = maxTime - (random.nextInt(10) == 0 ? random.nextInt(70 * (int) MINUTE) : random.nextInt(2_000));
        ClickEvent event = new ClickEvent(id, "u" + random.nextInt(40), "p1", EventKind.VIEW, null, time);
        eventsPerUser.merge(event.userId, 1L, Long::sum);
        harness.processElement(new StreamRecord<>(event, time));
        if (maxTime - 2_001 >= watermark + SECOND) {
          watermark = maxTime - 2_001;
          harness.processWatermark(watermark);
        }
      }
      harness.processWatermark(Long.MAX_VALUE);

      List<SessionSummary> firings = harness.extractOutputValues();
      Map<String, Long> accounted = new HashMap<>();
      long superseded = 0;
      for (SessionSummary firing : firings) {
        if (isSuperseded(firing, firings)) {
          superseded++;
        } else {
          accounted.merge(firing.userId, firing.events, Long::sum);
        }
      }
      long late = 0;
      for (StreamRecord<ClickEvent> record : harness.getSideOutput(SideOutputs.LATE_EVENTS)) {
        accounted.merge(record.getValue().userId, 1L, Long::sum);
        late++;
      }
      assertThat(late).as("too-late events").isPositive();
      assertThat(superseded).as("sessions updated, extended or merged by late events").isPositive();
      assertThat(accounted).isEqualTo(eventsPerUser);
      OperatorHarnesses.assertNothingLeft(harness);
    }
  }

  /** As in SessionsJobIT: a later firing of the same user whose window contains this one's and has more events. */
  private static boolean isSuperseded(SessionSummary firing, List<SessionSummary> firings) {
    return firings.stream()
        .anyMatch(
            other ->
                other.userId.equals(firing.userId)
                    && other.sessionStart <= firing.sessionStart
                    && other.sessionEnd >= firing.sessionEnd
                    && other.events > firing.events);
  }
}
