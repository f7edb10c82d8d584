package io.streamsketch.generator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamsketch.model.ClickEvent;
import io.streamsketch.model.EventKind;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClickstreamGeneratorTest {
  private static final GeneratorConfig CONFIG =
      GeneratorConfig.defaults().withEvents(50_000).withUsersAndPages(2_000, 500);
  private static final long HOUR = 3_600_000;

  private static List<ClickEvent> generate(GeneratorConfig config) {
    List<ClickEvent> events = new ArrayList<>();
    new ClickstreamGenerator(config).forEachRemaining(events::add);
    return events;
  }

  @Test
  void sameSeedGivesTheSameEvents() {
    assertThat(generate(CONFIG)).isEqualTo(generate(CONFIG));
  }

  @Test
  void anotherSeedGivesOtherEvents() {
    assertThat(generate(CONFIG.withSeed(7))).isNotEqualTo(generate(CONFIG));
  }

  @Test
  void emitsExactlyTheRequestedEventsWithIdsInArrivalOrder() {
    List<ClickEvent> events = generate(CONFIG);
    assertThat(events).hasSize(50_000);
    for (int i = 0; i < events.size(); i++) {
      assertThat(events.get(i).eventId).isEqualTo(i);
    }
  }

  @Test
  void disorderIsBoundedExceptForInjectedLateEvents() {
    GeneratorConfig config = CONFIG.withDisorder(5_000, 0.01, 0);
    long maxSoFar = Long.MIN_VALUE;
    int late = 0;
    for (ClickEvent event : generate(config)) {
      if (maxSoFar != Long.MIN_VALUE && event.eventTime < maxSoFar - 5_000) {
        // Anything behind the delay bound must be an injected late event, 1 to 2 hours old.
        assertThat(event.eventTime).isLessThanOrEqualTo(maxSoFar - HOUR + 5_000);
        late++;
      }
      maxSoFar = Math.max(maxSoFar, event.eventTime);
    }
    // 1% of 50,000, within 5 standard deviations.
    assertThat(late).isBetween(500 - 110, 500 + 110);
  }

  @Test
  void changingTheLateFractionKeepsTheSessions() {
    List<ClickEvent> some = generate(CONFIG.withDisorder(5_000, 0.0, 0));
    List<ClickEvent> more = generate(CONFIG.withDisorder(5_000, 0.05, 0));
    for (int i = 0; i < some.size(); i++) {
      assertThat(more.get(i).userId).isEqualTo(some.get(i).userId);
      assertThat(more.get(i).pageId).isEqualTo(some.get(i).pageId);
    }
  }

  @Test
  void usersBrowseInSessionsSeparatedByMoreThanThirtyMinutes() {
    Map<String, Long> lastSeen = new HashMap<>();
    int sessionBreaks = 0;
    for (ClickEvent event : generate(CONFIG.withDisorder(0, 0, 0))) {
      Long previous = lastSeen.put(event.userId, event.eventTime);
      if (previous != null) {
        long gap = event.eventTime - previous;
        // Inside a session think times are at most 10 minutes; between sessions gaps exceed 30 minutes.
        assertThat(gap <= 10 * 60_000 || gap > 30 * 60_000).as("gap %d ms", gap).isTrue();
        if (gap > 30 * 60_000) {
          sessionBreaks++;
        }
      }
    }
    assertThat(sessionBreaks).isGreaterThan(100);
  }

  @Test
  void pagesAreZipfSkewedAndClicksFollowImpressions() {
    Map<String, Integer> views = new HashMap<>();
    Map<String, EventKind> lastKind = new HashMap<>();
    Map<String, String> lastAd = new HashMap<>();
    int clicks = 0;
    for (ClickEvent event : generate(CONFIG.withDisorder(0, 0, 0))) {
      if (event.kind == EventKind.VIEW) {
        views.merge(event.pageId, 1, Integer::sum);
        assertThat(event.adId).isNull();
      }
      if (event.kind == EventKind.AD_CLICK) {
        clicks++;
        assertThat(lastKind.get(event.userId)).isEqualTo(EventKind.AD_IMPRESSION);
        assertThat(lastAd.get(event.userId)).isEqualTo(event.adId);
      }
      lastKind.put(event.userId, event.kind);
      lastAd.put(event.userId, event.adId);
    }
    assertThat(views.get("p1")).isGreaterThan(2 * views.get("p10"));
    assertThat(clicks).isPositive();
  }

  @Test
  void rejectsInvalidParameters() {
    assertThatThrownBy(() -> CONFIG.withEvents(-1)).hasMessageContaining("events must be at least 0");
    assertThatThrownBy(() -> CONFIG.withUsersAndPages(0, 10)).hasMessageContaining("users must be in [1,");
    assertThatThrownBy(() -> CONFIG.withDisorder(5_000, 1.5, 0)).hasMessageContaining("late fraction must be in [0, 1)");
    assertThatThrownBy(() -> CONFIG.withDisorder(-1, 0, 0)).hasMessageContaining("max delay");
  }
}
