package io.streamsketch.flink.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamsketch.generator.GeneratorConfig;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class GeneratorStateSerializersTest {
  private static final GeneratorConfig CONFIG =
      GeneratorConfig.defaults().withEvents(20_000).withUsersAndPages(500, 100).withDisorder(5_000, 0.01, 0);

  @Test
  void splitsAndUnassignedSplitsRoundTrip() throws IOException {
    var splits = new GeneratorStateSerializers.Splits(CONFIG, 16);
    GeneratorPartition split = new GeneratorPartition(5, 5 + 16 * 300);
    assertThat(splits.deserialize(splits.getVersion(), splits.serialize(split))).isEqualTo(split);

    var unassigned = new GeneratorStateSerializers.UnassignedSplits(CONFIG, 16);
    List<GeneratorPartition> list = List.of(new GeneratorPartition(0, 0), new GeneratorPartition(15, 15));
    assertThat(unassigned.deserialize(unassigned.getVersion(), unassigned.serialize(list))).isEqualTo(list);
    assertThat(unassigned.deserialize(unassigned.getVersion(), unassigned.serialize(List.of()))).isEmpty();
  }

  static List<Arguments> changedOptions() {
    return List.of(
        Arguments.of("--events", (UnaryOperator<GeneratorConfig>) c -> c.withEvents(10_000), "--events 20000"),
        Arguments.of("--seed", (UnaryOperator<GeneratorConfig>) c -> c.withSeed(7), "--seed 42"),
        Arguments.of("--users", (UnaryOperator<GeneratorConfig>) c -> c.withUsersAndPages(600, 100), "--users 500"),
        Arguments.of("--pages", (UnaryOperator<GeneratorConfig>) c -> c.withUsersAndPages(500, 90), "--pages 100"),
        Arguments.of(
            "--max-delay", (UnaryOperator<GeneratorConfig>) c -> c.withDisorder(1_000, 0.01, 0), "--max-delay 5000ms"),
        Arguments.of(
            "--late-fraction", (UnaryOperator<GeneratorConfig>) c -> c.withDisorder(5_000, 0.02, 0),
            "--late-fraction 0.01"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("changedOptions")
  void aRestoreWithAChangedOptionIsRefusedNamingTheOption(
      String option, UnaryOperator<GeneratorConfig> change, String stored) throws IOException {
    GeneratorConfig changed = change.apply(CONFIG);
    byte[] split = new GeneratorStateSerializers.Splits(CONFIG, 16).serialize(new GeneratorPartition(1, 17));
    var restoringSplits = new GeneratorStateSerializers.Splits(changed, 16);
    assertThatThrownBy(() -> restoringSplits.deserialize(1, split))
        .isInstanceOf(GeneratorOptionChangedException.class)
        .hasMessageStartingWith("the restored state was generated with " + stored + ", but this run has " + option)
        .extracting(e -> ((GeneratorOptionChangedException) e).option())
        .isEqualTo(option);

    byte[] unassigned = new GeneratorStateSerializers.UnassignedSplits(CONFIG, 16).serialize(List.of());
    var restoringUnassigned = new GeneratorStateSerializers.UnassignedSplits(changed, 16);
    assertThatThrownBy(() -> restoringUnassigned.deserialize(1, unassigned))
        .isInstanceOf(GeneratorOptionChangedException.class)
        .hasMessageContaining(stored);
  }

  @Test
  void aRestoreWithAnotherNumberOfPartitionsIsRefused() throws IOException {
    byte[] split = new GeneratorStateSerializers.Splits(CONFIG, 16).serialize(new GeneratorPartition(1, 17));
    assertThatThrownBy(() -> new GeneratorStateSerializers.Splits(CONFIG, 8).deserialize(1, split))
        .isInstanceOf(GeneratorOptionChangedException.class)
        .hasMessageStartingWith("the restored state was generated with partitions 16, but this run has partitions 8");
  }

  @Test
  void corruptStateIsRejected() throws IOException {
    var splits = new GeneratorStateSerializers.Splits(CONFIG, 16);
    byte[] bytes = splits.serialize(new GeneratorPartition(3, 3 + 16));
    assertThatThrownBy(() -> splits.deserialize(2, bytes)).isInstanceOf(IOException.class).hasMessageContaining("version 2");
    assertThatThrownBy(() -> splits.deserialize(1, Arrays.copyOf(bytes, bytes.length - 1)))
        .isInstanceOf(IOException.class);
    assertThatThrownBy(() -> splits.deserialize(1, Arrays.copyOf(bytes, bytes.length + 1)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("left over");
    // A position that is not one of the partition's (3, 19, 35, ...).
    byte[] offStride = splits.serialize(new GeneratorPartition(3, 20));
    assertThatThrownBy(() -> splits.deserialize(1, offStride))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("partition 3 at position 20");
  }
}
