package io.streamsketch.flink.membership;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsketch.model.AdExposure;
import io.streamsketch.model.ClickEvent;
import io.streamsketch.model.EventKind;
import io.streamsketch.sketch.bloom.BloomFilter;
import java.util.List;
import java.util.stream.Stream;
import org.apache.flink.api.common.state.StateDescriptor;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Drives {@link FirstExposureOperator} in a keyed harness on both state backends: answers, rotation, the heap cache's
 * write-back on snapshot and on eviction, and the round trip of its Bloom filters through a checkpoint.
 */
class FirstExposureOperatorTest {
  private static final long SEED = 7;
  // A rate this small makes every answer below deterministic in practice; the seed makes it so in fact.
  private static final double TINY_RATE = 1e-9;

  private KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, AdExposure> harness;
  private long nextEventId;

  @AfterEach
  void closeHarness() throws Exception {
    if (harness != null) {
      harness.close();
    }
  }

  private static StateBackend backend(String name) {
    return name.equals("rocksdb") ? new EmbeddedRocksDBStateBackend() : new HashMapStateBackend();
  }

  private KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, AdExposure> open(
      String backend, long capacity, int cachedAds, OperatorSubtaskState restoreFrom) throws Exception {
    var opened =
        new KeyedOneInputStreamOperatorTestHarness<>(
            new FirstExposureOperator(capacity, TINY_RATE, SEED, cachedAds), (ClickEvent e) -> e.adId, Types.STRING);
    opened.setStateBackend(backend(backend));
    opened
        .getExecutionConfig()
        .configure(new Configuration().set(PipelineOptions.GENERIC_TYPES, false), getClass().getClassLoader());
    if (restoreFrom == null) {
      opened.setup();
      opened.open();
    } else {
      opened.initializeState(restoreFrom);
      opened.open();
    }
    return opened;
  }

  /** Sends one impression and returns its answer. */
  private AdExposure impression(String user, String ad) throws Exception {
    int before = harness.extractOutputValues().size();
    long id = nextEventId++;
    harness.processElement(
        new StreamRecord<>(new ClickEvent(id, user, "p1", EventKind.AD_IMPRESSION, ad, 1_000 + id), 1_000 + id));
    List<AdExposure> out = harness.extractOutputValues();
    assertThat(out).hasSize(before + 1);
    AdExposure answer = out.get(before);
    assertThat(answer.eventId).isEqualTo(id);
    return answer;
  }

  private BloomFilter stored(String ad, ValueStateDescriptor<BloomFilter> descriptor)
      throws Exception {
    KeyedStateBackend<String> state = harness.getOperator().getKeyedStateBackend();
    state.setCurrentKey(ad);
    return state
        .getPartitionedState(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE, descriptor)
        .value();
  }

  /** The ads that have a value of this state in the keyed state backend. */
  private List<String> storedAds(StateDescriptor<?, ?> descriptor) {
    KeyedStateBackend<String> state = harness.getOperator().getKeyedStateBackend();
    try (Stream<String> keys = state.getKeys(descriptor.getName(), VoidNamespace.INSTANCE)) {
      return keys.toList();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"hashmap", "rocksdb"})
  void answersPerAdWithAStatedRate(String backend) throws Exception {
    harness = open(backend, 100, 10, null);
    AdExposure first = impression("u1", "ad1");
    assertThat(first.seenBefore).isFalse();
    assertThat(first.falsePositiveRate).isZero();
    assertThat(impression("u1", "ad2").seenBefore).as("another ad is another filter").isFalse();
    assertThat(impression("u2", "ad1").seenBefore).isFalse();
    AdExposure again = impression("u1", "ad1");
    assertThat(again.seenBefore).isTrue();
    assertThat(again.falsePositiveRate).isPositive().isLessThan(TINY_RATE);
    assertThat(again.userId).isEqualTo("u1");
    assertThat(again.adId).isEqualTo("ad1");
  }

  @Test
  void rotatesAtTheCapacityAndForgetsAfterTwoRotations() throws Exception {
    harness = open("hashmap", 2, 10, null);
    impression("u1", "ad1");
    impression("u2", "ad1"); // the current generation {u1, u2} is full: it becomes the previous one
    assertThat(impression("u1", "ad1").seenBefore).as("found in the previous generation").isTrue();
    // u1 was re-added to the current generation; u3 fills it: {u1, u3} becomes previous, {u2} is dropped.
    impression("u3", "ad1");
    assertThat(impression("u2", "ad1").seenBefore).as("forgotten after two rotations").isFalse();
    assertThat(impression("u1", "ad1").seenBefore).as("refreshed by its last exposure").isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"hashmap", "rocksdb"})
  void writesFiltersToStateOnSnapshotAndRestoresThem(String backend) throws Exception {
    harness = open(backend, 3, 10, null);
    for (String user : new String[] {"u1", "u2", "u3", "u4"}) {
      impression(user, "ad1");
    }
    impression("u1", "ad2");
    assertThat(storedAds(FirstExposureOperator.CURRENT)).as("between snapshots, the filters live on the heap").isEmpty();

    OperatorSubtaskState snapshot = harness.snapshot(1, 1);
    assertThat(storedAds(FirstExposureOperator.CURRENT)).containsExactlyInAnyOrder("ad1", "ad2");
    assertThat(storedAds(FirstExposureOperator.CURRENT_INSERTIONS)).containsExactlyInAnyOrder("ad1", "ad2");
    assertThat(storedAds(FirstExposureOperator.PREVIOUS)).as("only ad1 has rotated").containsExactly("ad1");
    BloomFilter current = stored("ad1", FirstExposureOperator.CURRENT);
    BloomFilter previous = stored("ad1", FirstExposureOperator.PREVIOUS);
    assertThat(previous.isEmpty()).isFalse();
    // After the snapshot: must not leak into it, even on the heap backend, which shares references.
    impression("u9", "ad1");
    harness.close();

    harness = open(backend, 3, 10, snapshot);
    assertThat(stored("ad1", FirstExposureOperator.CURRENT)).isEqualTo(current);
    assertThat(stored("ad1", FirstExposureOperator.PREVIOUS)).isEqualTo(previous);
    assertThat(impression("u2", "ad1").seenBefore).isTrue();
    assertThat(impression("u4", "ad1").seenBefore).isTrue();
    assertThat(impression("u1", "ad2").seenBefore).isTrue();
    assertThat(impression("u9", "ad1").seenBefore).as("came after the snapshot").isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"hashmap", "rocksdb"})
  void evictsTheLeastRecentlyUsedAdAndWritesItBack(String backend) throws Exception {
    harness = open(backend, 100, 2, null);
    impression("u1", "ad1");
    impression("u1", "ad2");
    impression("u2", "ad1"); // ad1 is now the most recently used
    impression("u1", "ad3"); // evicts ad2
    FirstExposureOperator operator = (FirstExposureOperator) harness.getOperator();
    assertThat(operator.cachedAds()).isEqualTo(2);
    assertThat(storedAds(FirstExposureOperator.CURRENT)).as("written back on eviction").containsExactly("ad2");
    assertThat(stored("ad2", FirstExposureOperator.CURRENT).mightContain("u1")).isTrue();

    assertThat(impression("u1", "ad2").seenBefore).as("loaded back from state").isTrue();
    assertThat(impression("u2", "ad1").seenBefore).isTrue();
    assertThat(impression("u1", "ad3").seenBefore).isTrue();
  }

  @Test
  void anUnchangedFilterIsNotWrittenAgain() throws Exception {
    harness = open("rocksdb", 100, 10, null);
    impression("u1", "ad1");
    harness.snapshot(1, 1);
    BloomFilter written = stored("ad1", FirstExposureOperator.CURRENT);
    impression("u1", "ad1");
    harness.snapshot(2, 2);
    assertThat(stored("ad1", FirstExposureOperator.CURRENT)).isEqualTo(written);
  }
}
