package io.streamsketch.flink.io;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsketch.generator.ClickstreamGenerator;
import io.streamsketch.generator.GeneratorConfig;
import io.streamsketch.model.ClickEvent;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.core.io.InputStatus;
import org.junit.jupiter.api.Test;

class ClickstreamReaderTest {
  private static final GeneratorConfig CONFIG =
      GeneratorConfig.defaults().withEvents(1_000).withUsersAndPages(100, 50).withDisorder(5_000, 0.01, 0);
  private static final int PARTITIONS = 4;

  private final RecordingOutput output = new RecordingOutput();

  private static List<ClickEvent> generated() {
    List<ClickEvent> events = new ArrayList<>();
    new ClickstreamGenerator(CONFIG).forEachRemaining(events::add);
    return events;
  }

  private void pollToTheEnd(ClickstreamReader reader) {
    InputStatus status;
    do {
      status = reader.pollNext(output);
    } while (status == InputStatus.MORE_AVAILABLE);
    assertThat(status).isEqualTo(InputStatus.END_OF_INPUT);
  }

  @Test
  void emitsNothingUntilItKnowsAllItsPartitionsThenEachThroughItsOwnOutputInGeneratorOrder() {
    ClickstreamReader reader = new ClickstreamReader(CONFIG, PARTITIONS);
    reader.addSplits(List.of(new GeneratorPartition(1, 1)));
    assertThat(reader.pollNext(output)).isEqualTo(InputStatus.NOTHING_AVAILABLE);
    assertThat(reader.isAvailable()).isNotDone();
    reader.addSplits(List.of(new GeneratorPartition(3, 3)));
    assertThat(reader.pollNext(output)).isEqualTo(InputStatus.NOTHING_AVAILABLE);
    reader.notifyNoMoreSplits();
    assertThat(reader.isAvailable()).isDone();
    pollToTheEnd(reader);

    assertThat(output.events).isEqualTo(generated().stream().filter(e -> e.eventId % PARTITIONS % 2 == 1).toList());
    assertThat(output.events).allSatisfy(e -> assertThat(output.splitOf(e)).isEqualTo("partition-" + e.eventId % PARTITIONS));
    assertThat(output.released).containsExactlyInAnyOrder("partition-1", "partition-3");
  }

  @Test
  void aSnapshotHoldsEachPartitionsNextPositionAndARestoredReaderContinuesFromThere() {
    ClickstreamReader first = new ClickstreamReader(CONFIG, PARTITIONS);
    first.addSplits(List.of(new GeneratorPartition(0, 0), new GeneratorPartition(2, 2)));
    first.notifyNoMoreSplits();
    for (int i = 0; i < 101; i++) {
      assertThat(first.pollNext(output)).isEqualTo(InputStatus.MORE_AVAILABLE);
    }
    // 101 events of partitions 0 and 2 alternately: 0, 2, 4, 6, ..., 200; next are 202 (partition 2) and 204 (0).
    List<GeneratorPartition> state = first.snapshotState(1);
    assertThat(state).containsExactlyInAnyOrder(new GeneratorPartition(0, 204), new GeneratorPartition(2, 202));

    // Restored together with a partition from another reader that was further ahead.
    ClickstreamReader restored = new ClickstreamReader(CONFIG, PARTITIONS);
    List<GeneratorPartition> splits = new ArrayList<>(state);
    splits.add(new GeneratorPartition(1, 401));
    restored.addSplits(splits);
    restored.notifyNoMoreSplits();
    pollToTheEnd(restored);

    Set<Long> expected = new HashSet<>();
    for (long id = 0; id < CONFIG.events(); id++) {
      if (id % PARTITIONS == 0 || id % PARTITIONS == 2 || (id % PARTITIONS == 1 && id >= 401)) {
        expected.add(id);
      }
    }
    List<Long> ids = output.events.stream().map(e -> e.eventId).toList();
    assertThat(ids).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(expected);
    assertThat(output.events).allSatisfy(e -> assertThat(e).isEqualTo(generated().get((int) e.eventId)));
  }

  @Test
  void aReaderWithoutPartitionsEndsOnceToldThereAreNone() {
    ClickstreamReader reader = new ClickstreamReader(CONFIG, PARTITIONS);
    assertThat(reader.pollNext(output)).isEqualTo(InputStatus.NOTHING_AVAILABLE);
    reader.notifyNoMoreSplits();
    assertThat(reader.pollNext(output)).isEqualTo(InputStatus.END_OF_INPUT);
    assertThat(output.events).isEmpty();
  }

  /** An output that ignores watermarks and idleness, and collects with a timestamp as without. */
  private abstract static class EventsOnly implements SourceOutput<ClickEvent> {
    @Override
    public void collect(ClickEvent record, long timestamp) {
      collect(record);
    }

    @Override
    public void emitWatermark(Watermark watermark) {}

    @Override
    public void markIdle() {}

    @Override
    public void markActive() {}
  }

  /** Records what each split output collects; the reader must not use the main output for events. */
  private static final class RecordingOutput extends EventsOnly implements ReaderOutput<ClickEvent> {
    final List<ClickEvent> events = new ArrayList<>();
    final List<String> splits = new ArrayList<>();
    final Set<String> released = new HashSet<>();

    String splitOf(ClickEvent event) {
      return splits.get(events.indexOf(event));
    }

    @Override
    public void collect(ClickEvent record) {
      throw new AssertionError("an event on the main output: " + record);
    }

    @Override
    public SourceOutput<ClickEvent> createOutputForSplit(String splitId) {
      return new EventsOnly() {
        @Override
        public void collect(ClickEvent record) {
          events.add(record);
          splits.add(splitId);
        }
      };
    }

    @Override
    public void releaseOutputForSplit(String splitId) {
      released.add(splitId);
    }
  }
}
