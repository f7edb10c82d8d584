package io.streamsketch.sketch.bloom;

import io.streamsketch.sketch.SketchFamily;
import io.streamsketch.sketch.SketchFormat;
import io.streamsketch.sketch.SketchFormatException;
import io.streamsketch.sketch.hash.MurmurHash3;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A Bloom filter: a set membership sketch with no false negatives and a tunable false-positive rate.
 *
 * <p>Each item is hashed once with {@link MurmurHash3} (x64, the first 64-bit half {@code h}, with the filter's seed)
 * and its {@code k} bit positions come from enhanced double hashing (Dillinger and Manolios, "Bloom filters in
 * probabilistic verification", 2004), {@code g_i = a + i·b + (i³ − i)/6 (mod m)} for {@code i = 0..k-1}, where
 * {@code a} is {@code h} and {@code b} is {@code fmix64(h + 0x9E3779B97F4A7C15)} (the next SplitMix64 output after
 * {@code h}), each reduced to {@code [0, m)} by a multiply-shift ({@code (x · m) >> 64}), which is as uniform as
 * {@code x mod m} but needs no division. The positions are stepped incrementally ({@code g += b; b += i + 1}), a few
 * additions and compares each, so the hot loop has no division.
 *
 * <p>Format version 1 used plain double hashing ({@code a + i·b}) of MurmurHash3's two halves. Both choices raised the
 * false-positive rate above the formula {@code (bits set / m)^k}: plain double hashing degenerates when {@code b} is
 * 0 (all k positions are one bit) or shares a large power of two with m, which is always even here, and for items of
 * at most 8 bytes (longs) MurmurHash3's second half receives no data, only the finalization of a value that differs
 * from the first's by a constant, so the two halves are related (measured: 12% more false positives than the formula
 * for 10,000 longs at 1%). The cubic term keeps the positions apart even for such b, and b is now derived from the
 * well-mixed first half alone. {@code BloomFilterFalsePositiveTest} checks the rate against the formula.
 *
 * <p>Filters with the same number of bits, number of hashes and seed merge by bitwise OR; the result is bit for bit
 * the filter of the concatenated streams, in any order.
 *
 * <p>Not thread-safe. {@link #equals} compares the parameters and every bit.
 *
 * <h2>Binary format, version 2</h2>
 *
 * Inside the {@link SketchFormat} envelope (family {@link SketchFamily#BLOOM_FILTER}); little-endian:
 *
 * <pre>
 * offset  size     field
 * 0       4        envelope header
 * 4       8        numBits m, a multiple of 64 in [64, {@link #MAX_NUM_BITS}]
 * 12      4        numHashes k, in [1, {@link #MAX_NUM_HASHES}]
 * 16      8        seed of the hash
 * 24      8·m/64   the bit array as m/64 longs; bit j is bit (j mod 64) of long j/64
 * 24+m/8  4        envelope CRC-32C
 * </pre>
 *
 * {@link #fromBytes} checks both parameters and that exactly m/64 longs follow them, so a corrupt or malicious
 * {@code numBits} cannot allocate more than the input holds.
 *
 * <p>Version 2 has the layout of version 1; its bits were set by the enhanced double hashing above. Version 1 (plain
 * double hashing of both MurmurHash3 halves) is rejected with a {@link SketchFormatException}: queried or updated with the new positions, its items
 * would read as absent (false negatives). Rebuild such filters from their streams.
 */
public final class BloomFilter {
  /** The current binary format version. */
  public static final int SERIAL_VERSION = 2;
  private static final String WHY_VERSION_1_FAILS =
      "its bits were set by plain double hashing, and version 2's enhanced double hashing would miss its items; "
          + "rebuild the filter from its stream";
  /** At most 2^33 bits (1 GiB), so a serialized filter still fits in one Java byte array. */
  public static final long MAX_NUM_BITS = 1L << 33;
  /** More hashes than this only make sense for false-positive rates below 1e-38. */
  public static final int MAX_NUM_HASHES = 128;

  private static final double LN2 = Math.log(2);
  /** SplitMix64's increment, 2^64 / φ rounded to odd. */
  private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;
  private static final int PARAMETER_BYTES = 8 + 4 + 8;
  /** The largest serialized filter, of {@link #MAX_NUM_BITS} bits. */
  public static final int MAX_SERIALIZED_BYTES =
      SketchFormat.HEADER_BYTES + PARAMETER_BYTES + (int) (MAX_NUM_BITS / 8) + SketchFormat.TRAILER_BYTES;

  private final long numBits;
  private final int numHashes;
  private final long seed;
  private final long[] words;

  private BloomFilter(long numBits, int numHashes, long seed, long[] words) {
    this.numBits = numBits;
    this.numHashes = numHashes;
    this.seed = seed;
    this.words = words;
  }

  /**
   * A filter sized for {@code expectedItems} items at {@code falsePositiveRate}: {@link #optimalNumBits} bits and
   * {@link #optimalNumHashes} hashes.
   *
   * @throws IllegalArgumentException if {@code expectedItems < 1}, the rate is not in (0, 1), or the filter would
   *     need more than {@link #MAX_NUM_BITS} bits or {@link #MAX_NUM_HASHES} hashes
   */
  public static BloomFilter forExpectedItems(long expectedItems, double falsePositiveRate, long seed) {
    long numBits = optimalNumBits(expectedItems, falsePositiveRate);
    return withSize(numBits, optimalNumHashes(expectedItems, numBits), seed);
  }

  /**
   * A filter of {@code numBits} bits (rounded up to a multiple of 64) and {@code numHashes} hashes.
   *
   * @throws IllegalArgumentException if {@code numBits} is not in [1, {@link #MAX_NUM_BITS}] or {@code numHashes} not
   *     in [1, {@link #MAX_NUM_HASHES}]
   */
  public static BloomFilter withSize(long numBits, int numHashes, long seed) {
    checkNumBits(numBits);
    checkNumHashes(numHashes);
    long rounded = roundUpToWord(numBits);
    return new BloomFilter(rounded, numHashes, seed, new long[(int) (rounded >>> 6)]);
  }

  /**
   * The optimal number of bits for {@code expectedItems} items at {@code falsePositiveRate}: {@code ⌈−n·ln p /
   * (ln 2)²⌉}, rounded up to a multiple of 64.
   */
  public static long optimalNumBits(long expectedItems, double falsePositiveRate) {
    if (expectedItems < 1) {
      throw new IllegalArgumentException("expected item count must be at least 1: " + expectedItems);
    }
    if (!(falsePositiveRate > 0 && falsePositiveRate < 1)) {
      throw new IllegalArgumentException("false-positive rate must be in (0, 1): " + falsePositiveRate);
    }
    double bits = Math.ceil(-expectedItems * Math.log(falsePositiveRate) / (LN2 * LN2));
    if (bits > MAX_NUM_BITS) {
      throw new IllegalArgumentException(
          "a filter for " + expectedItems + " items at false-positive rate " + falsePositiveRate + " needs "
              + (long) bits + " bits, more than the maximum " + MAX_NUM_BITS);
    }
    return roundUpToWord((long) bits);
  }

  /** The optimal number of hashes for {@code expectedItems} items in {@code numBits} bits: round(m/n · ln 2), ≥ 1. */
  public static int optimalNumHashes(long expectedItems, long numBits) {
    if (expectedItems < 1) {
      throw new IllegalArgumentException("expected item count must be at least 1: " + expectedItems);
    }
    checkNumBits(numBits);
    long hashes = Math.max(1, Math.round((double) numBits / expectedItems * LN2));
    if (hashes > MAX_NUM_HASHES) {
      throw new IllegalArgumentException(
          numBits + " bits for " + expectedItems + " items need " + hashes + " hashes, more than the maximum "
              + MAX_NUM_HASHES + "; is the false-positive rate that small on purpose?");
    }
    return (int) hashes;
  }

  /** Adds an item, hashed as its 8 little-endian bytes; returns true if it was certainly not in the filter before. */
  public boolean add(long item) {
    return addHash(MurmurHash3.hash128(item, seed).h1());
  }

  /** Adds an item, hashed as its UTF-8 bytes; returns true if it was certainly not in the filter before. */
  public boolean add(String item) {
    return addHash(MurmurHash3.hash128(item, seed).h1());
  }

  /** Adds an item; returns true if it was certainly not in the filter before. */
  public boolean add(byte[] item) {
    return addHash(MurmurHash3.hash128(item, seed).h1());
  }

  /** False if the item was never added; true if it probably was. */
  public boolean mightContain(long item) {
    return containsHash(MurmurHash3.hash128(item, seed).h1());
  }

  /** False if the item was never added; true if it probably was. */
  public boolean mightContain(String item) {
    return containsHash(MurmurHash3.hash128(item, seed).h1());
  }

  /** False if the item was never added; true if it probably was. */
  public boolean mightContain(byte[] item) {
    return containsHash(MurmurHash3.hash128(item, seed).h1());
  }

  private boolean addHash(long hash) {
    long index = reduce(hash);
    long step = reduce(stepHash(hash));
    long changed = 0;
    for (int i = 0; i < numHashes; i++) {
      int word = (int) (index >>> 6);
      long mask = 1L << index;
      changed |= ~words[word] & mask;
      words[word] |= mask;
      index = nextIndex(index, step);
      step = nextStep(step, i);
    }
    return changed != 0;
  }

  private boolean containsHash(long hash) {
    long index = reduce(hash);
    long step = reduce(stepHash(hash));
    for (int i = 0; i < numHashes; i++) {
      if ((words[(int) (index >>> 6)] & (1L << index)) == 0) {
        return false;
      }
      index = nextIndex(index, step);
      step = nextStep(step, i);
    }
    return true;
  }

  /** The second hash of double hashing: SplitMix64's next output after {@code hash}, independent of its bits. */
  private static long stepHash(long hash) {
    return MurmurHash3.fmix64(hash + GOLDEN_GAMMA);
  }

  /** {@code g_{i+1} = g_i + step_i (mod m)}, both in [0, m). */
  private long nextIndex(long index, long step) {
    long next = index + step;
    return next >= numBits ? next - numBits : next;
  }

  /** {@code step_{i+1} = step_i + i + 1 (mod m)}: then {@code g_i = a + i·b + (i³ − i)/6}. */
  private long nextStep(long step, int i) {
    long next = step + i + 1;
    // i < 128 ≤ 2m (m ≥ 64), so next < 3m: at most two subtractions.
    while (next >= numBits) {
      next -= numBits;
    }
    return next;
  }

  /** Maps a uniform 64-bit hash to a uniform position in [0, numBits): the high 64 bits of the unsigned product. */
  private long reduce(long hash) {
    // Unsigned multiply-high from the signed one; numBits is positive, so only the hash's sign needs correcting.
    return Math.multiplyHigh(hash, numBits) + ((hash >> 63) & numBits);
  }

  /**
   * ORs {@code other} into this filter, which then holds the union of both streams.
   *
   * @throws IllegalArgumentException if the filters differ in number of bits, number of hashes or seed
   */
  public void merge(BloomFilter other) {
    if (other.numBits != numBits || other.numHashes != numHashes || other.seed != seed) {
      throw new IllegalArgumentException(
          "cannot merge Bloom filters with different parameters: (numBits " + numBits + ", numHashes " + numHashes
              + ", seed " + seed + ") and (numBits " + other.numBits + ", numHashes " + other.numHashes + ", seed "
              + other.seed + ")");
    }
    for (int i = 0; i < words.length; i++) {
      words[i] |= other.words[i];
    }
  }

  /** The number of bits set; takes time linear in the filter size. */
  public long bitCount() {
    long count = 0;
    for (long word : words) {
      count += Long.bitCount(word);
    }
    return count;
  }

  /** The false-positive rate of a query for an absent item now, estimated as (bits set / m)^k. */
  public double expectedFalsePositiveRate() {
    return Math.pow((double) bitCount() / numBits, numHashes);
  }

  /**
   * The number of distinct items added, estimated from the fill (Swamidass and Baldi, 2007): −(m/k)·ln(1 − X/m) for
   * X bits set. Infinite once every bit is set.
   */
  public double approximateItemCount() {
    return -((double) numBits / numHashes) * Math.log1p(-(double) bitCount() / numBits);
  }

  /** The number of bits m, a multiple of 64. */
  public long numBits() {
    return numBits;
  }

  /** The number of hashes k per item. */
  public int numHashes() {
    return numHashes;
  }

  public long seed() {
    return seed;
  }

  /** True if no item was added. */
  public boolean isEmpty() {
    for (long word : words) {
      if (word != 0) {
        return false;
      }
    }
    return true;
  }

  /** An independent copy. */
  public BloomFilter copy() {
    return new BloomFilter(numBits, numHashes, seed, words.clone());
  }

  /** Serializes this filter in the format of the class documentation. */
  public byte[] toBytes() {
    SketchFormat.Writer writer =
        SketchFormat.writer(SketchFamily.BLOOM_FILTER, SERIAL_VERSION, PARAMETER_BYTES + words.length * Long.BYTES);
    writer.putLong(numBits).putInt(numHashes).putLong(seed);
    ByteBuffer buffer = writer.buffer();
    buffer.asLongBuffer().put(words);
    buffer.position(buffer.position() + words.length * Long.BYTES);
    return writer.finish();
  }

  /**
   * Reads a filter written by {@link #toBytes}.
   *
   * @throws SketchFormatException if the bytes are truncated, corrupt, of another family or version, or their
   *     parameters are out of range or disagree with the bit array's length
   */
  public static BloomFilter fromBytes(byte[] bytes) {
    SketchFormat.Reader reader =
        SketchFormat.reader(bytes, SketchFamily.BLOOM_FILTER, SERIAL_VERSION, SERIAL_VERSION, WHY_VERSION_1_FAILS);
    long numBits = reader.getLong();
    int numHashes = reader.getInt();
    long seed = reader.getLong();
    if (numBits < Long.SIZE || numBits > MAX_NUM_BITS || numBits % Long.SIZE != 0) {
      throw reader.corrupt("numBits must be a multiple of 64 in [64, " + MAX_NUM_BITS + "]: " + numBits);
    }
    if (numHashes < 1 || numHashes > MAX_NUM_HASHES) {
      throw reader.corrupt("numHashes must be in [1, " + MAX_NUM_HASHES + "]: " + numHashes);
    }
    long[] words = new long[reader.checkedCount(numBits >>> 6, Long.BYTES, "bit-array word")];
    ByteBuffer buffer = reader.buffer();
    buffer.asLongBuffer().get(words);
    buffer.position(buffer.position() + words.length * Long.BYTES);
    reader.end();
    return new BloomFilter(numBits, numHashes, seed, words);
  }

  private static void checkNumBits(long numBits) {
    if (numBits < 1 || numBits > MAX_NUM_BITS) {
      throw new IllegalArgumentException("numBits must be in [1, " + MAX_NUM_BITS + "]: " + numBits);
    }
  }

  private static void checkNumHashes(int numHashes) {
    if (numHashes < 1 || numHashes > MAX_NUM_HASHES) {
      throw new IllegalArgumentException("numHashes must be in [1, " + MAX_NUM_HASHES + "]: " + numHashes);
    }
  }

  private static long roundUpToWord(long bits) {
    return (bits + Long.SIZE - 1) & -Long.SIZE;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof BloomFilter)) {
      return false;
    }
    BloomFilter other = (BloomFilter) o;
    return numBits == other.numBits
        && numHashes == other.numHashes
        && seed == other.seed
        && Arrays.equals(words, other.words);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * (31 * Long.hashCode(numBits) + numHashes) + Long.hashCode(seed)) + Arrays.hashCode(words);
  }

  @Override
  public String toString() {
    return "BloomFilter(numBits " + numBits + ", numHashes " + numHashes + ", seed " + seed + ", bits set "
        + bitCount() + ")";
  }
}
