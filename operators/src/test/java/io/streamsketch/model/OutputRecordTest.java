package io.streamsketch.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OutputRecordTest {
  @Test
  void windowResultsAreKeyedByPageAndWindowAndVersionedByFiring() {
    PageWindowCount first = new PageWindowCount("p3", 60_000, 120_000, 5, 0);
    PageWindowCount update = new PageWindowCount("p3", 60_000, 120_000, 6, 1);
    assertThat(first.key()).isEqualTo("p3@60000").isEqualTo(update.key());
    assertThat(update.version()).isEqualTo(1);
    assertThat(new UniqueVisitors("*", 60_000, 120_000, 9, 8, 10, 2).key()).isEqualTo("*@60000");
    assertThat(new UniqueVisitors("*", 60_000, 120_000, 9, 8, 10, 2).version()).isEqualTo(2);
  }

  @Test
  void sessionsAreKeyedByUserAndStartAndVersionedByRevision() {
    SessionSummary session = new SessionSummary();
    session.userId = "u7";
    session.sessionStart = 1_000;
    session.revision = 3;
    assertThat(session.key()).isEqualTo("u7@1000");
    assertThat(session.version()).isEqualTo(3);
  }

  @Test
  void eventsAreKeyedByTheirIdAndNeverRevised() {
    ClickEvent event = new ClickEvent(42, "u1", "p1", EventKind.VIEW, null, 5);
    assertThat(event.key()).isEqualTo("42");
    assertThat(event.version()).isZero();
  }

  @Test
  void aDeadLetterOfAnInputLineIsKeyedByTheLinesHashAndKeepsItsJson() {
    DeadLetter a = new DeadLetter("{broken", "not JSON");
    assertThat(a.key()).isEqualTo(new DeadLetter("{broken", "another reason").key()).startsWith("sha256:");
    assertThat(a.key()).isNotEqualTo(new DeadLetter("{broken2", "not JSON").key());
    assertThat(a.toJson()).isEqualTo("{\"reason\":\"not JSON\",\"line\":\"{broken\"}");
  }

  @Test
  void aDeadLetterOfARecordCarriesTheRecordsKeyAndTheStartOfItsJson() {
    PageWindowCount count = new PageWindowCount("p3", 60_000, 120_000, 5, 0);
    DeadLetter letter = DeadLetter.ofRecord(count, count.toJson(), "too large", 10);
    assertThat(letter.key()).isEqualTo("p3@60000");
    assertThat(letter.line).isEqualTo(count.toJson().substring(0, 10));
    assertThat(letter.toJson()).contains("\"key\":\"p3@60000\"", "\"reason\":\"too large\"");
  }
}
