package io.streamsketch.jobs.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamsketch.jobs.cli.UsageException;
import io.streamsketch.jobs.testing.HybridData;
import io.streamsketch.model.ClickEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.StreamMap;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The switch of the hybrid input: its default from the files, its parsing, and its guard across restores. */
class HybridInputTest {
  @TempDir Path dir;

  @Test
  void theDefaultSwitchIsOneMillisecondAfterTheLargestEventTimeOfTheFilesAFolderHolds() throws Exception {
    HybridData.writeHistory(dir.resolve("a.jsonl"), 0, 100);
    HybridData.writeHistory(dir.resolve("b.jsonl"), 100, 200);
    // Hidden files are not read by the FileSource, so they do not move the switch.
    HybridData.writeHistory(dir.resolve(".c.jsonl"), 200, 300);
    long max = 0;
    for (int k = 0; k < 200; k++) {
      max = Math.max(max, HybridData.time(k));
    }
    assertThat(HybridInput.switchAfterFiles("job", dir.toString())).isEqualTo(max + 1);
  }

  @Test
  void filesWithoutAValidEventGiveNoSwitch() throws Exception {
    Path file = Files.writeString(dir.resolve("x.jsonl"), "{\"not\": \"an event\"}\n");
    assertThatThrownBy(() -> HybridInput.switchAfterFiles("job", file.toString()))
        .isInstanceOf(UsageException.class)
        .hasMessage("job: --input " + file + " holds no valid event to take the switch time from; give --switch-at");
  }

  @Test
  void theSwitchIsEpochMillisecondsOrAnInstantWithinTheEventTimes() {
    assertThat(HybridInput.parseSwitchAt("job", "1767225600000")).isEqualTo(1_767_225_600_000L);
    assertThat(HybridInput.parseSwitchAt("job", "2026-01-01T00:00:00Z")).isEqualTo(1_767_225_600_000L);
    assertThatThrownBy(() -> HybridInput.parseSwitchAt("job", "-1"))
        .isInstanceOf(UsageException.class)
        .hasMessage("job: --switch-at -1 is outside the event times 0 to 253402300800000");
  }

  @Test
  void aRestoreWithAnotherSwitchIsRefusedWithOneUsageLine() throws Exception {
    OperatorSubtaskState snapshot;
    try (OneInputStreamOperatorTestHarness<ClickEvent, ClickEvent> harness = guard(1_000)) {
      harness.open();
      harness.processElement(HybridData.event(1), HybridData.time(1));
      snapshot = harness.snapshot(1, 1);
    }
    try (OneInputStreamOperatorTestHarness<ClickEvent, ClickEvent> same = guard(1_000)) {
      same.initializeState(snapshot);
      same.open();
    }
    try (OneInputStreamOperatorTestHarness<ClickEvent, ClickEvent> other = guard(2_000)) {
      assertThatThrownBy(() -> other.initializeState(snapshot))
          .satisfies(
              refused ->
                  assertThat(OptionsGuard.asUsageError(refused))
                      .get()
                      .extracting(Throwable::getMessage)
                      .isEqualTo(
                          "--switch-at is 2000 but the state being restored was written with 1000; restore with the"
                              + " same value, or start without the savepoint"));
    }
  }

  private static OneInputStreamOperatorTestHarness<ClickEvent, ClickEvent> guard(long switchAt) throws Exception {
    return new OneInputStreamOperatorTestHarness<>(new StreamMap<>(new HybridInput.SwitchGuard(switchAt)));
  }
}
