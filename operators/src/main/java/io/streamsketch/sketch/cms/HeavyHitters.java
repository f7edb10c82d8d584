package io.streamsketch.sketch.cms;

import io.streamsketch.sketch.SketchFamily;
import io.streamsketch.sketch.SketchFormat;
import io.streamsketch.sketch.SketchFormatException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Top-k / heavy-hitter tracker of string items: a {@link CountMinSketch} plus at most {@code k} candidates, the items
 * with the largest estimates seen so far.
 *
 * <p>On {@code update(x, c)} the sketch is updated and x's new estimate {@code e} computed; x is kept if it already
 * is a candidate (its stored estimate becomes {@code e}), if fewer than k items are kept, or if {@code e} exceeds the
 * smallest stored estimate, whose item is then evicted. The smallest stored estimate of a full candidate set never
 * decreases.
 *
 * <h2>Guarantees</h2>
 *
 * With {@code N} the total count and ε the sketch's {@link CountMinSketch#epsilon()}:
 *
 * <ol>
 *   <li>Every reported estimate is at least the item's true frequency, and, for a fixed item, at most {@code f + ε·N}
 *       with probability {@code 1 − δ} (the sketch's guarantee; {@link #topK()} re-reads estimates from the sketch).
 *   <li>Single stream, deterministic: if an item x is not a candidate, the tracker holds k candidates whose stored
 *       estimates are all at least {@code f(x)} (x's estimate at its last arrival was ≥ f(x), and it was either
 *       rejected by or evicted from a set whose minimum only grows).
 *   <li>Heavy hitters: let {@code φ > ε} and {@code k > 1/(φ − ε)}. Every item with {@code f(x) ≥ φ·N} is a
 *       candidate, provided the estimates of the candidates are within ε·N of their true frequencies. (Otherwise k
 *       candidates would have estimates ≥ φ·N, hence true frequencies ≥ (φ − ε)·N, summing to more than N.) The
 *       proviso holds for each candidate with probability 1 − δ; it is not a union bound over all k, so choose δ
 *       accordingly. This survives {@link #merge}: an item with {@code f ≥ φ·(N_a + N_b)} has {@code f_a ≥ φ·N_a} or
 *       {@code f_b ≥ φ·N_b}, so it is a candidate of one side, and is re-estimated in the union.
 * </ol>
 *
 * <p>Items outside those bounds, for example an item in the true top k by a thin margin, may be missed: the
 * tracker is approximate. Tests measure its recall on Zipf streams.
 *
 * <h2>Binary format, version 2</h2>
 *
 * Inside the {@link SketchFormat} envelope (family {@link SketchFamily#HEAVY_HITTERS}); little-endian:
 *
 * <pre>
 * offset  size  field
 * 0       4     envelope header
 * 4       4     capacity k, in [1, MAX_CAPACITY]
 * 8       4     candidate count c, in [0, k]
 * 12      4     sketch length L
 * 16      L     the {@link CountMinSketch} in its own format (its own envelope and checksum)
 * 16+L    ...   c candidates, each: 4-byte UTF-8 length, the UTF-8 bytes (well-formed, items distinct), 8-byte
 *               stored estimate in [0, N]
 * end     4     CRC-32C trailer
 * </pre>
 *
 * <p>Version 2 has the layout of version 1; it holds a Count-Min sketch of format version 2 (independent row hashes),
 * so its stored estimates come from that hashing. Version 1 is rejected with a {@link SketchFormatException}: its
 * sketch and estimates came from the old double hashing; rebuild the tracker from its stream.
 *
 * <p>Not thread-safe.
 */
public final class HeavyHitters {
  /** Largest k: the candidates are kept in a hash map, so a huge k would be a memory mistake. */
  public static final int MAX_CAPACITY = 1 << 16;

  static final int FORMAT_VERSION = 2;
  private static final String WHY_VERSION_1_FAILS =
      "its Count-Min sketch and estimates came from double hashing, which version 2's independent row hashes do not "
          + "reproduce; rebuild the tracker from its stream";

  private final CountMinSketch sketch;
  private final int capacity;
  /** Item → estimate at its last update (or at the last merge). */
  private final Map<String, Long> candidates;
  /** The candidate with the smallest stored estimate; null when unknown, recomputed lazily. */
  private String minItem;

  private HeavyHitters(CountMinSketch sketch, int capacity, Map<String, Long> candidates) {
    this.sketch = sketch;
    this.capacity = capacity;
    this.candidates = candidates;
  }

  /**
   * A tracker of the {@code capacity} most frequent items over an empty {@code sketch}, which it takes ownership of.
   */
  public static HeavyHitters create(int capacity, CountMinSketch sketch) {
    Objects.requireNonNull(sketch, "sketch");
    checkCapacity(capacity, IllegalArgumentException::new);
    if (!sketch.isEmpty()) {
      throw new IllegalArgumentException("the sketch must be empty, its items are unknown: N = " + sketch.totalCount());
    }
    return new HeavyHitters(sketch, capacity, new HashMap<>());
  }

  private static <E extends RuntimeException> void checkCapacity(
      int capacity, java.util.function.Function<String, E> error) {
    if (capacity < 1 || capacity > MAX_CAPACITY) {
      throw error.apply("capacity must be in [1, " + MAX_CAPACITY + "]: " + capacity);
    }
  }

  public void update(String item) {
    update(item, 1);
  }

  public void update(String item, long count) {
    sketch.update(item, count);
    offer(item, sketch.estimate(item));
  }

  private void offer(String item, long estimate) {
    Long previous = candidates.get(item);
    if (previous != null) {
      candidates.put(item, estimate);
      if (item.equals(minItem)) {
        minItem = null;
      }
      return;
    }
    if (candidates.size() < capacity) {
      candidates.put(item, estimate);
      minItem = null;
      return;
    }
    String min = minItem();
    if (estimate > candidates.get(min)) {
      candidates.remove(min);
      candidates.put(item, estimate);
      minItem = null;
    }
  }

  private String minItem() {
    if (minItem == null) {
      long min = Long.MAX_VALUE;
      for (Map.Entry<String, Long> entry : candidates.entrySet()) {
        if (entry.getValue() < min) {
          min = entry.getValue();
          minItem = entry.getKey();
        }
      }
    }
    return minItem;
  }

  /** The sketch's estimate of any item, candidate or not. */
  public long estimate(String item) {
    return sketch.estimate(item);
  }

  /** An item and its current estimate. */
  public record Entry(String item, long estimate) {}

  /** The candidates with their current estimates, largest first (ties by item), at most k of them. */
  public List<Entry> topK() {
    List<Entry> entries = new ArrayList<>(candidates.size());
    for (String item : candidates.keySet()) {
      entries.add(new Entry(item, sketch.estimate(item)));
    }
    entries.sort(Comparator.comparingLong(Entry::estimate).reversed().thenComparing(Entry::item));
    return entries;
  }

  /**
   * Merges the sketches, then keeps the k items with the largest merged estimates among both candidate sets.
   *
   * @throws IllegalArgumentException if the sketches cannot merge (see {@link CountMinSketch#merge}) or the
   *     capacities differ
   */
  public void merge(HeavyHitters other) {
    Objects.requireNonNull(other, "other");
    if (capacity != other.capacity) {
      throw new IllegalArgumentException(
          "cannot merge trackers with different capacity: " + capacity + " vs " + other.capacity);
    }
    sketch.merge(other.sketch);
    List<String> union = new ArrayList<>(candidates.keySet());
    for (String item : other.candidates.keySet()) {
      if (!candidates.containsKey(item)) {
        union.add(item);
      }
    }
    List<Entry> reestimated = new ArrayList<>(union.size());
    for (String item : union) {
      reestimated.add(new Entry(item, sketch.estimate(item)));
    }
    reestimated.sort(Comparator.comparingLong(Entry::estimate).reversed().thenComparing(Entry::item));
    candidates.clear();
    for (Entry entry : reestimated.subList(0, Math.min(capacity, reestimated.size()))) {
      candidates.put(entry.item(), entry.estimate());
    }
    minItem = null;
  }

  public int capacity() {
    return capacity;
  }

  /** The underlying sketch; read-only use, updating it directly would bypass the candidate set. */
  public CountMinSketch sketch() {
    return sketch;
  }

  public long totalCount() {
    return sketch.totalCount();
  }

  public HeavyHitters copy() {
    return new HeavyHitters(sketch.copy(), capacity, new HashMap<>(candidates));
  }

  /** Serializes in the format documented on this class. */
  public byte[] toBytes() {
    byte[] sketchBytes = sketch.toBytes();
    List<byte[]> items = new ArrayList<>(candidates.size());
    List<Long> estimates = new ArrayList<>(candidates.size());
    int payload = 12 + sketchBytes.length;
    // Sorted, so equal trackers serialize to equal bytes.
    for (Map.Entry<String, Long> entry : sortedCandidates()) {
      byte[] utf8 = entry.getKey().getBytes(StandardCharsets.UTF_8);
      items.add(utf8);
      estimates.add(entry.getValue());
      payload += 4 + utf8.length + 8;
    }
    SketchFormat.Writer writer = SketchFormat.writer(SketchFamily.HEAVY_HITTERS, FORMAT_VERSION, payload);
    writer.putInt(capacity).putInt(items.size()).putInt(sketchBytes.length).putBytes(sketchBytes);
    for (int i = 0; i < items.size(); i++) {
      writer.putInt(items.get(i).length).putBytes(items.get(i)).putLong(estimates.get(i));
    }
    return writer.finish();
  }

  private List<Map.Entry<String, Long>> sortedCandidates() {
    List<Map.Entry<String, Long>> sorted = new ArrayList<>(candidates.entrySet());
    sorted.sort(Map.Entry.comparingByKey());
    return sorted;
  }

  /**
   * Reads a tracker written by {@link #toBytes()}.
   *
   * @throws SketchFormatException if the bytes are truncated, corrupt, of another family or describe an invalid
   *     tracker
   */
  public static HeavyHitters fromBytes(byte[] bytes) {
    SketchFormat.Reader reader =
        SketchFormat.reader(bytes, SketchFamily.HEAVY_HITTERS, FORMAT_VERSION, FORMAT_VERSION, WHY_VERSION_1_FAILS);
    int capacity = reader.getInt();
    checkCapacity(capacity, reader::corrupt);
    int count = reader.getInt();
    if (count < 0 || count > capacity) {
      throw reader.corrupt("candidate count " + count + " is outside [0, capacity = " + capacity + "]");
    }
    // Each candidate takes at least 12 bytes, checked before the map is sized from the count.
    reader.checkedCount(count, 12, "candidate");
    int sketchLength = reader.getInt();
    CountMinSketch sketch = CountMinSketch.fromBytes(reader.getBytes(sketchLength));
    Map<String, Long> candidates = new HashMap<>(Math.max(16, count * 2));
    var decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    for (int i = 0; i < count; i++) {
      int length = reader.getInt();
      String item;
      try {
        item = decoder.decode(ByteBuffer.wrap(reader.getBytes(length))).toString();
      } catch (CharacterCodingException e) {
        throw reader.corrupt("candidate " + i + " is not well-formed UTF-8");
      }
      long estimate = reader.getLong();
      if (estimate < 0 || estimate > sketch.totalCount()) {
        throw reader.corrupt("candidate estimate " + estimate + " is outside [0, N = " + sketch.totalCount() + "]");
      }
      if (candidates.put(item, estimate) != null) {
        throw reader.corrupt("duplicate candidate " + item);
      }
    }
    reader.end();
    return new HeavyHitters(sketch, capacity, candidates);
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof HeavyHitters)) {
      return false;
    }
    HeavyHitters that = (HeavyHitters) o;
    return capacity == that.capacity && sketch.equals(that.sketch) && candidates.equals(that.candidates);
  }

  @Override
  public int hashCode() {
    return Objects.hash(capacity, sketch, candidates);
  }

  @Override
  public String toString() {
    return "HeavyHitters{capacity=" + capacity + ", candidates=" + candidates.size() + ", sketch=" + sketch + "}";
  }
}
