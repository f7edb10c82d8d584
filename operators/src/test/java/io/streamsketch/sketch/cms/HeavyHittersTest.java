package io.streamsketch.sketch.cms;

import static io.streamsketch.sketch.testing.SerializationChecks.assertRejectsTruncationAndFlips;
import static io.streamsketch.sketch.testing.SerializationChecks.editedWithValidChecksum;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamsketch.sketch.SketchFormatException;
import io.streamsketch.sketch.testing.ZipfGenerator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class HeavyHittersTest {
  static final int UNIVERSE = 20_000;
  static final int STREAM_LENGTH = 300_000;

  static CountMinSketch sketch() {
    return CountMinSketch.builder().accuracy(0.001, 0.01).seed(11).build();
  }

  static int[] zipfStream(long seed) {
    return new ZipfGenerator(UNIVERSE, 1.1, seed).stream(STREAM_LENGTH);
  }

  static String page(int rank) {
    return "/page/" + rank;
  }

  static long[] trueCounts(int[] stream) {
    long[] counts = new long[UNIVERSE];
    for (int item : stream) {
      counts[item]++;
    }
    return counts;
  }

  /** The true k most frequent items (ties broken by rank). */
  static Set<String> trueTop(long[] counts, int k) {
    return IntStream.range(0, UNIVERSE)
        .boxed()
        .sorted((a, b) -> counts[a] != counts[b] ? Long.compare(counts[b], counts[a]) : Integer.compare(a, b))
        .limit(k)
        .map(HeavyHittersTest::page)
        .collect(Collectors.toSet());
  }

  static double recall(Set<String> truth, List<HeavyHitters.Entry> reported) {
    long hits = reported.stream().filter(entry -> truth.contains(entry.item())).count();
    return (double) hits / truth.size();
  }

  @Test
  void recallsTheTrueTop10OnZipf() {
    int[] stream = zipfStream(21);
    long[] truth = trueCounts(stream);
    HeavyHitters tracker = HeavyHitters.create(10, sketch());
    for (int item : stream) {
      tracker.update(page(item));
    }
    List<HeavyHitters.Entry> top = tracker.topK();
    assertThat(top).hasSize(10);
    assertThat(recall(trueTop(truth, 10), top)).isGreaterThanOrEqualTo(0.9);
    for (HeavyHitters.Entry entry : top) {
      int rank = Integer.parseInt(entry.item().substring("/page/".length()));
      assertThat(entry.estimate()).isBetween(truth[rank], truth[rank] + (long) tracker.sketch().errorBound());
    }
    assertThat(top).isSortedAccordingTo((a, b) -> Long.compare(b.estimate(), a.estimate()));
  }

  @Test
  void reportsEveryItemAboveThePhiThresholdIncludingAfterMerge() {
    // φ = 0.005 > ε ≈ 0.001 and k = 256 > 1 / (φ − ε): the documented guarantee applies.
    double phi = 0.005;
    int[] stream = zipfStream(22);
    long[] truth = trueCounts(stream);
    HeavyHitters whole = HeavyHitters.create(256, sketch());
    HeavyHitters even = HeavyHitters.create(256, sketch());
    HeavyHitters odd = HeavyHitters.create(256, sketch());
    for (int i = 0; i < stream.length; i++) {
      whole.update(page(stream[i]));
      (i % 3 == 0 ? even : odd).update(page(stream[i]));
    }
    even.merge(odd);
    assertThat(even.sketch()).isEqualTo(whole.sketch());
    for (HeavyHitters tracker : List.of(whole, even)) {
      Set<String> reported = tracker.topK().stream().map(HeavyHitters.Entry::item).collect(Collectors.toSet());
      for (int rank = 0; rank < UNIVERSE; rank++) {
        if (truth[rank] >= phi * STREAM_LENGTH) {
          assertThat(reported).contains(page(rank));
        }
      }
    }
    assertThat(recall(trueTop(truth, 10), even.topK().subList(0, 10))).isGreaterThanOrEqualTo(0.9);
  }

  @Test
  void evictsTheSmallestCandidateOnlyForALargerEstimate() {
    HeavyHitters tracker = HeavyHitters.create(2, CountMinSketch.builder().dimensions(1000, 5).build());
    tracker.update("a", 5);
    tracker.update("b", 3);
    tracker.update("c", 3);
    assertThat(tracker.topK()).extracting(HeavyHitters.Entry::item).containsExactly("a", "b");
    tracker.update("c", 1);
    assertThat(tracker.topK()).containsExactly(new HeavyHitters.Entry("a", 5), new HeavyHitters.Entry("c", 4));
    assertThat(tracker.estimate("b")).isEqualTo(3);
  }

  @Test
  void rejectsInvalidParameters() {
    assertThatThrownBy(() -> HeavyHitters.create(0, sketch()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("capacity must be in [1, " + HeavyHitters.MAX_CAPACITY + "]: 0");
    CountMinSketch used = sketch();
    used.update("x", 1);
    assertThatThrownBy(() -> HeavyHitters.create(5, used)).hasMessageContaining("the sketch must be empty");
    assertThatThrownBy(() -> HeavyHitters.create(5, sketch()).merge(HeavyHitters.create(6, sketch())))
        .hasMessage("cannot merge trackers with different capacity: 5 vs 6");
    assertThatThrownBy(
            () ->
                HeavyHitters.create(5, sketch())
                    .merge(HeavyHitters.create(5, CountMinSketch.builder().dimensions(10, 2).build())))
        .hasMessageContaining("different width");
  }

  @Test
  void serializationRoundTripsExactly() {
    HeavyHitters empty = HeavyHitters.create(3, sketch());
    assertThat(HeavyHitters.fromBytes(empty.toBytes())).isEqualTo(empty);
    HeavyHitters tracker = HeavyHitters.create(20, sketch());
    for (int item : zipfStream(23)) {
      tracker.update(page(item) + "/ü");
    }
    byte[] bytes = tracker.toBytes();
    HeavyHitters read = HeavyHitters.fromBytes(bytes);
    assertThat(read).isEqualTo(tracker).hasSameHashCodeAs(tracker);
    assertThat(read.topK()).isEqualTo(tracker.topK());
    assertThat(read.toBytes()).isEqualTo(bytes);
    HeavyHitters copy = tracker.copy();
    copy.update("new", 1_000_000);
    assertThat(copy).isNotEqualTo(tracker);
    assertThat(tracker.topK()).extracting(HeavyHitters.Entry::item).doesNotContain("new");
  }

  @Test
  void rejectsCorruptBytes() {
    HeavyHitters tracker = HeavyHitters.create(2, CountMinSketch.builder().dimensions(8, 2).build());
    tracker.update("ab", 3);
    tracker.update("cd", 2);
    byte[] valid = tracker.toBytes();
    assertRejectsTruncationAndFlips(valid, HeavyHitters::fromBytes);
    int sketchLength = tracker.sketch().serializedSizeBytes();
    // Candidates sorted: "ab" (length at firstItem, bytes, estimate), then "cd" from firstItem + 14.
    int firstItem = 16 + sketchLength;
    assertThatThrownBy(() -> HeavyHitters.fromBytes(editedWithValidChecksum(valid, b -> b.put(1, (byte) 1))))
        .isInstanceOf(SketchFormatException.class)
        .hasMessageContaining("HEAVY_HITTERS: format version 1 is no longer supported (supported: 2 to 2)")
        .hasMessageContaining("rebuild the tracker from its stream");
    assertThatThrownBy(() -> HeavyHitters.fromBytes(editedWithValidChecksum(valid, b -> b.putInt(4, 0))))
        .isInstanceOf(SketchFormatException.class)
        .hasMessageContaining("capacity must be in");
    assertThatThrownBy(() -> HeavyHitters.fromBytes(editedWithValidChecksum(valid, b -> b.putInt(8, 3))))
        .hasMessageContaining("outside [0, capacity = 2]");
    assertThatThrownBy(
            () ->
                HeavyHitters.fromBytes(
                    editedWithValidChecksum(valid, b -> b.putInt(4, HeavyHitters.MAX_CAPACITY).putInt(8, 60_000))))
        .hasMessageContaining("candidate count 60000 does not fit");
    assertThatThrownBy(() -> HeavyHitters.fromBytes(editedWithValidChecksum(valid, b -> b.putInt(12, 1 << 30))))
        .isInstanceOf(SketchFormatException.class);
    assertThatThrownBy(
            () -> HeavyHitters.fromBytes(editedWithValidChecksum(valid, b -> b.putInt(firstItem, Integer.MAX_VALUE))))
        .isInstanceOf(SketchFormatException.class);
    assertThatThrownBy(
            () -> HeavyHitters.fromBytes(editedWithValidChecksum(valid, b -> b.put(firstItem + 4, (byte) 0xff))))
        .hasMessageContaining("not well-formed UTF-8");
    // Second item "cd" renamed to "ab".
    assertThatThrownBy(
            () ->
                HeavyHitters.fromBytes(
                    editedWithValidChecksum(
                        valid, b -> b.put(firstItem + 18, (byte) 'a').put(firstItem + 19, (byte) 'b'))))
        .hasMessageContaining("duplicate candidate ab");
    assertThatThrownBy(() -> HeavyHitters.fromBytes(editedWithValidChecksum(valid, b -> b.putLong(firstItem + 6, 6))))
        .hasMessageContaining("outside [0, N = 5]");
  }
}
