package io.streamsketch.sketch.sampling;

import io.streamsketch.sketch.SketchFamily;
import io.streamsketch.sketch.SketchFormat;
import io.streamsketch.sketch.SketchFormatException;
import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * A uniform random sample of {@code k} items from a stream of unknown length, drawn with skips by Li's Algorithm L
 * ("Reservoir-sampling algorithms of time complexity O(n(1 + log(N/n)))", ACM TOMS 1994).
 *
 * <p>The first {@code k} items fill the reservoir. After that the reservoir keeps a threshold {@code W} and the index
 * of the next item it accepts; a skipped item costs one counter increment and one compare, and an accepted item
 * replaces a uniformly chosen slot and draws a new {@code W} and skip. Over {@code n} items that is
 * about {@code 2 + 3·k·ln(n/k)} random numbers instead of one per item ({@link #randomDraws()}).
 *
 * <h2>Why merging and restoring stay uniform</h2>
 *
 * Algorithm L is an exact simulation of this process: give every item an independent uniform key and keep the
 * {@code k} items with the smallest keys. {@code W} is then the {@code k}-th smallest key of the {@code n} items seen,
 * and the skip is the number of coming items whose key is at least {@code W}. Two facts follow: the sample is
 * independent of {@code W}, because which items hold the {@code k} smallest keys is independent of the values of those
 * keys; and given {@code W}, the pending skip is geometric, hence memoryless. So after any operation that leaves a
 * uniform {@code k}-subset of {@code n} items, the state can be made exact again by drawing a fresh {@code W}
 * distributed as the {@code k}-th smallest of {@code n} uniform keys, a Beta({@code k}, {@code n−k+1}) variate drawn
 * as {@code X/(X+Y)} from gamma variates {@code X ~ Gamma(k)}, {@code Y ~ Gamma(n−k+1)} (Marsaglia and Tsang's exact
 * method, a few random numbers), and a fresh skip. Restarting instead from {@code W = U^(1/k)}, the value after the
 * first {@code k} items, would be wrong: later items would be accepted as if only {@code k} items had been seen, far
 * too often (the chi-square tests catch exactly that).
 *
 * <p>{@link #merge} therefore gives a uniform sample of the union, weighting each side by its item count like
 * DataSketches' {@code ReservoirItemsUnion}:
 *
 * <ul>
 *   <li>if a side has seen at most its {@code k} items, its sample is its whole stream and is fed item by item into
 *       the other side (exact: a valid Algorithm L state continued on more items);
 *   <li>otherwise the number of output items from this side is drawn from the hypergeometric distribution of a
 *       uniform {@code k}-subset of the {@code n_A + n_B} items (slot by slot, from this side with probability
 *       {@code remaining n_A / remaining (n_A + n_B)}), that many are chosen uniformly without replacement from each
 *       side's sample, {@code n = n_A + n_B}, and the skip state is redrawn as above.
 * </ul>
 *
 * A merge of reservoirs of different {@code k} yields the smaller {@code k}: the larger sample is first reduced to a
 * uniform subset, which is still a uniform sample of its stream. This reservoir's {@code k} may thus shrink.
 *
 * <p>The random generator is not serialized. A restored reservoir keeps {@code W} and the pending skip, and draws its
 * future random numbers from a fresh generator; since the future of Algorithm L depends on the past only through the
 * sample, {@code W} and the skip, the restored reservoir samples exactly as the original would have, in distribution.
 *
 * <p>Not thread-safe. {@link #equals} compares {@code k}, the item count, the sample in slot order, {@code W} and the
 * pending skip, not the random generator.
 *
 * <h2>Binary format, version 1</h2>
 *
 * Inside the {@link SketchFormat} envelope (family {@link SketchFamily#SKIP_RESERVOIR}); little-endian:
 *
 * <pre>
 * offset  size  field
 * 0       4     envelope header
 * 4       4     k, in [1, {@link #MAX_K}]
 * 8       8     items seen n, at least 0
 * 16      8     threshold W as a double: 0 while n &lt; k, else in (0, 1]
 * 24      8     items to skip before the next acceptance: 0 while n &lt; k, else at least 0
 * 32      4     sample size c, which must be min(n, k)
 * 36      4     item length: L &gt; 0 if every item is L bytes ({@link ItemSerializer#fixedLength()}), else −1
 * 40      ...   c items in slot order from the {@link ItemSerializer}: L bytes each if L &gt; 0, else each a 4-byte
 *               length followed by that many bytes
 * end-4   4     envelope CRC-32C
 * </pre>
 *
 * @param <T> the item type; items must not be null
 */
public final class SkipReservoir<T> {
  /** The current binary format version. */
  public static final int SERIAL_VERSION = 1;
  /** The largest reservoir, 2^30 items. */
  public static final int MAX_K = 1 << 30;

  private static final int FIXED_PAYLOAD_BYTES = 4 + 8 + 8 + 8 + 4 + 4;
  private static final int VARIABLE_LENGTH = -1;

  private int k;
  private long itemsSeen;
  private List<T> items;
  /** Algorithm L's W: the k-th smallest key of the items seen; 0 while filling. */
  private double threshold;
  /** The 1-based index of the next item to store: itemsSeen + 1 while filling, then past the pending skip. */
  private long nextStoredIndex;
  private final RandomGenerator random;
  private long randomDraws;

  private SkipReservoir(
      int k, long itemsSeen, List<T> items, double threshold, long nextStoredIndex, RandomGenerator random) {
    this.k = k;
    this.itemsSeen = itemsSeen;
    this.items = items;
    this.threshold = threshold;
    this.nextStoredIndex = nextStoredIndex;
    this.random = random;
  }

  /** An empty reservoir of {@code k} items with an unseeded {@link SplittableRandom}. */
  public static <T> SkipReservoir<T> create(int k) {
    return create(k, new SplittableRandom());
  }

  /**
   * An empty reservoir of {@code k} items drawing its random numbers from {@code random}.
   *
   * @throws IllegalArgumentException if {@code k} is not in [1, {@link #MAX_K}]
   */
  public static <T> SkipReservoir<T> create(int k, RandomGenerator random) {
    if (k < 1 || k > MAX_K) {
      throw new IllegalArgumentException("k must be in [1, " + MAX_K + "]: " + k);
    }
    return new SkipReservoir<>(k, 0, new ArrayList<>(), 0, 1, Objects.requireNonNull(random, "random"));
  }

  /** Offers the next item of the stream. */
  public void update(T item) {
    Objects.requireNonNull(item, "item");
    if (++itemsSeen < nextStoredIndex) {
      return;
    }
    if (itemsSeen <= k) {
      items.add(item);
      if (itemsSeen == k) {
        restartSkips();
      } else {
        nextStoredIndex = itemsSeen + 1;
      }
      return;
    }
    items.set(nextSlot(k), item);
    threshold *= nextThresholdFactor();
    nextStoredIndex = afterSkip(nextSkip());
  }

  /**
   * Offers the items of {@code batch} in order, with the same result as {@link #update} on each: the same sample and
   * the same random draws. The items that the skips pass over are not even read, so a batch costs O(1 + items
   * stored) rather than O(its size). Meant for random-access lists; skipped items are not checked for null.
   */
  public void updateAll(List<? extends T> batch) {
    int size = batch.size();
    int position = 0;
    while (position < size) {
      long skipped = Math.min(nextStoredIndex - itemsSeen - 1, size - position);
      itemsSeen += skipped;
      position += (int) skipped;
      if (position < size) {
        update(batch.get(position++));
      }
    }
  }

  /**
   * Merges {@code other} into this reservoir, which then holds a uniform sample of both streams (see the class
   * documentation), of the smaller of the two {@code k}. {@code other} is not changed.
   *
   * @throws IllegalArgumentException if {@code other} is this reservoir, or the item counts add up beyond a long
   */
  public void merge(SkipReservoir<? extends T> other) {
    if (other == this) {
      throw new IllegalArgumentException("cannot merge a reservoir into itself");
    }
    if (itemsSeen > Long.MAX_VALUE - other.itemsSeen) {
      throw new IllegalArgumentException(
          "merged item count overflows a long: " + itemsSeen + " + " + other.itemsSeen);
    }
    int mergedK = Math.min(k, other.k);
    if (other.itemsSeen <= other.k) {
      shrinkTo(mergedK);
      other.items.forEach(this::update);
    } else if (itemsSeen <= k) {
      List<T> ownStream = items;
      k = other.k;
      itemsSeen = other.itemsSeen;
      items = new ArrayList<>(other.items);
      threshold = other.threshold;
      nextStoredIndex = other.nextStoredIndex;
      shrinkTo(mergedK);
      ownStream.forEach(this::update);
    } else {
      long remainingOwn = itemsSeen;
      long remainingOther = other.itemsSeen;
      int fromOwn = 0;
      for (int slot = 0; slot < mergedK; slot++) {
        if (nextLong(remainingOwn + remainingOther) < remainingOwn) {
          fromOwn++;
          remainingOwn--;
        } else {
          remainingOther--;
        }
      }
      List<T> merged = uniformSubset(items, fromOwn);
      merged.addAll(uniformSubset(other.items, mergedK - fromOwn));
      k = mergedK;
      itemsSeen += other.itemsSeen;
      items = merged;
      restartSkips();
    }
  }

  /** The sample: min(n, k) items, unmodifiable, in slot order. */
  public List<T> sample() {
    return List.copyOf(items);
  }

  /** The reservoir size: the most items the sample holds. */
  public int k() {
    return k;
  }

  /** The number of items offered to this reservoir or to reservoirs merged into it. */
  public long itemsSeen() {
    return itemsSeen;
  }

  /** The random numbers this instance has drawn since it was created, copied or restored; a diagnostic. */
  public long randomDraws() {
    return randomDraws;
  }

  /** An independent copy whose random generator is seeded from this one's. */
  public SkipReservoir<T> copy() {
    return new SkipReservoir<>(
        k, itemsSeen, new ArrayList<>(items), threshold, nextStoredIndex, new SplittableRandom(nextLong()));
  }

  /** Serializes this reservoir in the format of the class documentation, its items with {@code serializer}. */
  public byte[] toBytes(ItemSerializer<? super T> serializer) {
    int itemLength = serializer.fixedLength() > 0 ? serializer.fixedLength() : VARIABLE_LENGTH;
    // Items of a fixed length are written straight into the output; others are encoded first to learn their size.
    List<byte[]> encoded = itemLength == VARIABLE_LENGTH ? new ArrayList<>(items.size()) : null;
    long payloadBytes = FIXED_PAYLOAD_BYTES + (long) items.size() * Math.max(itemLength, 0);
    if (encoded != null) {
      for (T item : items) {
        byte[] bytes = serializer.toBytes(item);
        encoded.add(bytes);
        payloadBytes += Integer.BYTES + bytes.length;
      }
    }
    if (payloadBytes > Integer.MAX_VALUE - SketchFormat.HEADER_BYTES - SketchFormat.TRAILER_BYTES) {
      throw new IllegalStateException("the serialized reservoir would exceed 2 GiB: " + payloadBytes + " bytes");
    }
    SketchFormat.Writer writer = SketchFormat.writer(SketchFamily.SKIP_RESERVOIR, SERIAL_VERSION, (int) payloadBytes);
    writer.putInt(k).putLong(itemsSeen).putDouble(threshold).putLong(nextStoredIndex - itemsSeen - 1).putInt(items.size());
    writer.putInt(itemLength);
    if (encoded != null) {
      for (byte[] bytes : encoded) {
        writer.putInt(bytes.length);
        writer.putBytes(bytes);
      }
    } else {
      writeFixedLength(items, serializer, itemLength, writer.buffer());
    }
    return writer.finish();
  }

  /** Writes each item in place, checking that it takes exactly the declared length. */
  private static <T> void writeFixedLength(
      List<T> items, ItemSerializer<? super T> serializer, int itemLength, ByteBuffer out) {
    for (T item : items) {
      int start = out.position();
      try {
        serializer.write(item, out);
      } catch (BufferOverflowException e) {
        throw new IllegalStateException(
            "item serializer declares a fixed length of " + itemLength + " bytes but wrote more", e);
      }
      int written = out.position() - start;
      if (written != itemLength) {
        throw new IllegalStateException(
            "item serializer declares a fixed length of " + itemLength + " bytes but wrote " + written);
      }
    }
  }

  /** Reads a reservoir written by {@link #toBytes}; it continues with an unseeded {@link SplittableRandom}. */
  public static <T> SkipReservoir<T> fromBytes(byte[] bytes, ItemSerializer<T> serializer) {
    return fromBytes(bytes, serializer, new SplittableRandom());
  }

  /**
   * Reads a reservoir written by {@link #toBytes}; it continues with {@code random}.
   *
   * @throws SketchFormatException if the bytes are truncated, corrupt, of another family or version, or hold
   *     inconsistent fields or item lengths
   */
  public static <T> SkipReservoir<T> fromBytes(byte[] bytes, ItemSerializer<T> serializer, RandomGenerator random) {
    SketchFormat.Reader reader = SketchFormat.reader(bytes, SketchFamily.SKIP_RESERVOIR, SERIAL_VERSION);
    int k = reader.getInt();
    long itemsSeen = reader.getLong();
    double threshold = reader.getDouble();
    long itemsToSkip = reader.getLong();
    int sampleSize = reader.getInt();
    int itemLength = reader.getInt();
    if (k < 1 || k > MAX_K) {
      throw reader.corrupt("k must be in [1, " + MAX_K + "]: " + k);
    }
    if (itemsSeen < 0) {
      throw reader.corrupt("items seen must not be negative: " + itemsSeen);
    }
    if (sampleSize != Math.min(itemsSeen, k)) {
      throw reader.corrupt("sample size " + sampleSize + " must be min(items seen " + itemsSeen + ", k " + k + ")");
    }
    if (itemsSeen < k ? threshold != 0 || itemsToSkip != 0 : !(threshold > 0 && threshold <= 1) || itemsToSkip < 0) {
      throw reader.corrupt(
          "inconsistent skip state for " + itemsSeen + " items seen and k " + k + ": threshold " + threshold
              + ", items to skip " + itemsToSkip);
    }
    if (itemsToSkip > Long.MAX_VALUE - 1 - itemsSeen) {
      throw reader.corrupt("items to skip " + itemsToSkip + " overflows past " + itemsSeen + " items seen");
    }
    if (itemLength < 1 && itemLength != VARIABLE_LENGTH) {
      throw reader.corrupt("item length must be positive or -1 for variable: " + itemLength);
    }
    // Each item takes at least 1 fixed or 4 length bytes, so the count is checked before allocating for it.
    int minItemBytes = itemLength == VARIABLE_LENGTH ? Integer.BYTES : itemLength;
    int capacity = reader.checkedCount(sampleSize, minItemBytes, "item");
    List<T> run =
        itemLength == VARIABLE_LENGTH ? null : serializer.readFixedLengthRun(reader.buffer(), sampleSize, itemLength);
    List<T> items;
    if (run != null) {
      // A full reservoir only replaces items in its slots (see update), so its sample may be a fixed-size list.
      items = sampleSize == k ? run : new ArrayList<>(run);
    } else {
      items = readItemByItem(reader, serializer, sampleSize, itemLength, capacity);
    }
    reader.end();
    return new SkipReservoir<>(
        k, itemsSeen, items, threshold, itemsSeen + itemsToSkip + 1, Objects.requireNonNull(random, "random"));
  }

  /** Reads {@code count} items one by one, each checked: not null, and exactly its length read. */
  private static <T> List<T> readItemByItem(
      SketchFormat.Reader reader, ItemSerializer<T> serializer, int count, int itemLength, int capacity) {
    List<T> items = new ArrayList<>(capacity);
    ByteBuffer in = reader.buffer();
    for (int i = 0; i < count; i++) {
      int length = itemLength;
      if (itemLength == VARIABLE_LENGTH) {
        // Fixed-length items all fit: the count was checked against what is left.
        length = reader.getInt();
        reader.checkBytesLeft(length);
      }
      int end = in.position() + length;
      // Read in place: no array per item unless the serializer asks for one.
      T item = serializer.read(in, length);
      if (item == null) {
        throw reader.corrupt("item " + i + " deserialized to null");
      }
      if (in.position() != end) {
        throw reader.corrupt("item " + i + " took " + (in.position() - end + length) + " of its " + length + " bytes");
      }
      items.add(item);
    }
    return items;
  }

  /** Reduces the reservoir to {@code newK} slots, keeping a uniform subset of the sample; no-op unless smaller. */
  private void shrinkTo(int newK) {
    if (newK >= k) {
      return;
    }
    k = newK;
    if (items.size() > newK) {
      items = uniformSubset(items, newK);
    }
    if (itemsSeen >= newK) {
      restartSkips();
    }
  }

  /** {@code size} items chosen uniformly without replacement from {@code from}, by a partial Fisher–Yates shuffle. */
  private List<T> uniformSubset(List<? extends T> from, int size) {
    List<T> pool = new ArrayList<>(from);
    for (int i = 0; i < size; i++) {
      Collections.swap(pool, i, i + nextSlot(pool.size() - i));
    }
    return new ArrayList<>(pool.subList(0, size));
  }

  /** Sets W and the pending skip to a fresh draw of Algorithm L's state after {@code itemsSeen >= k} items. */
  private void restartSkips() {
    // The k-th smallest of k uniform keys is simply U^(1/k), as Algorithm L starts.
    threshold = itemsSeen == k ? nextThresholdFactor() : nextBeta(k, itemsSeen - k + 1);
    nextStoredIndex = afterSkip(nextSkip());
  }

  /** The index of the item after {@code skip} skipped ones, saturating where no stream of longs can reach. */
  private long afterSkip(long skip) {
    return skip < Long.MAX_VALUE - itemsSeen ? itemsSeen + skip + 1 : Long.MAX_VALUE;
  }

  /** A Beta(a, b) variate for a, b ≥ 1, as X / (X + Y) with X ~ Gamma(a) and Y ~ Gamma(b). */
  private double nextBeta(double a, double b) {
    double x = nextGamma(a);
    return x / (x + nextGamma(b));
  }

  /** A Gamma(shape, 1) variate for shape ≥ 1, by Marsaglia and Tsang's exact rejection method (2000). */
  private double nextGamma(double shape) {
    double d = shape - 1.0 / 3;
    double c = 1 / Math.sqrt(9 * d);
    while (true) {
      double x;
      double v;
      do {
        randomDraws++;
        x = random.nextGaussian();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      double u = nextUniform();
      if (u < 1 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) {
        return d * v;
      }
    }
  }

  /** U^(1/k): the ratio of the new W to the old one, the largest of k uniform keys below the old W. */
  private double nextThresholdFactor() {
    return Math.exp(Math.log(nextUniform()) / k);
  }

  /** Geometric number of items whose key is at least W: floor(ln U / ln(1 − W)), saturating at Long.MAX_VALUE. */
  private long nextSkip() {
    return (long) Math.floor(Math.log(nextUniform()) / Math.log1p(-threshold));
  }

  /** Uniform in (0, 1], so that its logarithm is finite. */
  private double nextUniform() {
    randomDraws++;
    return 1.0 - random.nextDouble();
  }

  private int nextSlot(int bound) {
    randomDraws++;
    return random.nextInt(bound);
  }

  private long nextLong(long bound) {
    randomDraws++;
    return random.nextLong(bound);
  }

  private long nextLong() {
    randomDraws++;
    return random.nextLong();
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof SkipReservoir)) {
      return false;
    }
    SkipReservoir<?> other = (SkipReservoir<?>) o;
    return k == other.k
        && itemsSeen == other.itemsSeen
        && Double.compare(threshold, other.threshold) == 0
        && nextStoredIndex == other.nextStoredIndex
        && items.equals(other.items);
  }

  @Override
  public int hashCode() {
    return Objects.hash(k, itemsSeen, threshold, nextStoredIndex, items);
  }

  @Override
  public String toString() {
    return "SkipReservoir(k " + k + ", items seen " + itemsSeen + ", sample size " + items.size() + ")";
  }
}
