package io.streamsketch.sketch.cms;

import io.streamsketch.sketch.SketchFamily;
import io.streamsketch.sketch.SketchFormat;
import io.streamsketch.sketch.SketchFormatException;
import io.streamsketch.sketch.hash.MersennePrime61;
import io.streamsketch.sketch.hash.MurmurHash3;
import java.util.Arrays;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * A Count-Min sketch (Cormode and Muthukrishnan, 2005): a {@code depth × width} table of counters that estimates
 * the frequency of any item in a stream of (item, count) pairs with non-negative counts.
 *
 * <h2>Guarantees</h2>
 *
 * With {@code N = }{@link #totalCount()}, {@code ε = e / width} ({@link #epsilon()}) and {@code δ = e^-depth}
 * ({@link #delta()}), for every item {@code x} of true frequency {@code f(x)}:
 *
 * <ul>
 *   <li>{@code estimate(x) ≥ f(x)} always;
 *   <li>{@code estimate(x) ≤ f(x) + ε·N} with probability at least {@code 1 − δ} ({@link #confidence()}) over the
 *       choice of the rows' hash functions (made by the seed), for a fixed item.
 * </ul>
 *
 * <p>The proof needs what the hashing below provides: each row's hash function drawn from a pairwise-independent
 * family (so another item falls into x's counter of a row with probability at most about {@code 1/width}, and the
 * excess of that counter is at most {@code ε·N} with probability {@code ≥ 1 − 1/e} by Markov's inequality), and the
 * rows' functions drawn independently (so all {@code depth} rows exceed it with probability at most {@code e^-depth}).
 *
 * <p>Built {@linkplain Builder#accuracy(double, double) from (ε, δ)}, the width is {@code ⌈e/ε⌉} and the depth
 * {@code ⌈ln(1/δ)⌉}, so the effective {@link #epsilon()} and {@link #delta()} are at most the requested ones.
 *
 * <h2>Hashing</h2>
 *
 * Each update hashes the item once with {@link MurmurHash3} (the first 64 bits, with the sketch's seed) to {@code
 * h}, and reduces it to {@code x = h mod p}, {@code p = 2^61 − 1} (a Mersenne prime). Row {@code i} maps x with its
 * own function of the Carter–Wegman family {@code g_i(x) = (a_i·x + b_i) mod p}, with {@code a_i} uniform in
 * {@code [1, p)} and {@code b_i} in {@code [0, p)}, to the column {@code ⌊g_i(x)·width / 2^61⌋}. The family is
 * pairwise independent over {@code [0, p)}, and the rows' coefficients are drawn independently, so rows are
 * independent, as the guarantee requires. (Version 1 derived every row from one 128-bit hash by double hashing,
 * {@code h1 + i·h2}: rows that were not independent.) Two distinct items share x with probability about
 * {@code 2^-61}, which is negligible next to δ. The coefficients come from the seed by SplitMix64 ({@link
 * java.util.SplittableRandom}{@code (seed)}: {@code a_i = 1 + nextLong(p − 1)}, then {@code b_i = nextLong(p)}, row by
 * row), and are stored in the format, so a reader needs no generator. A row costs two 64-bit multiplications (one
 * of them the high half) and one to map to the column, with no division.
 *
 * <h2>Conservative update</h2>
 *
 * With {@link Builder#conservativeUpdate(boolean)}, an update of {@code (x, c)} raises each of x's counters only to
 * {@code min_i(counter_i) + c} (Estan and Varghese, 2002). Every counter of x still stays at least {@code f(x)}, so
 * the sketch never underestimates, and every counter is at most its standard-update value, so estimates are never
 * worse (often much better on skewed streams). The price: the table depends on the order of updates, and
 * {@link #merge} (which adds counters) of two conservative sketches is not the sketch of the concatenated stream. A
 * merged conservative sketch still never underestimates, and its counters are at most those of a standard-update
 * sketch of the concatenated stream, so the {@code ε·N} bound still holds. A standard-update sketch is a linear
 * function of the stream: independent of update order and merge order.
 *
 * <h2>Binary format, version 2</h2>
 *
 * Inside the {@link SketchFormat} envelope (family {@link SketchFamily#COUNT_MIN}); little-endian:
 *
 * <pre>
 * offset     size           field
 * 0          4              envelope header
 * 4          4              width, in [1, MAX_WIDTH]
 * 8          4              depth, in [1, MAX_DEPTH], width × depth ≤ MAX_CELLS
 * 12         8              seed
 * 20         1              flags: bit 0 = conservative update; other bits 0
 * 21         8              total count N ≥ 0
 * 29         16·depth       the rows' hash coefficients (a_i, b_i), row by row: a_i in [1, p), b_i in [0, p)
 * 29+16·d    8·depth·width  counters, row by row; each in [0, N], and each row sums to N (standard update) or at
 *                           most N (conservative update)
 * end        4              CRC-32C trailer
 * </pre>
 *
 * <p>Version 1 (the same fields without the coefficients) is rejected with a {@link SketchFormatException}: its
 * counters were placed by the double hashing above, so neither an estimate nor a merge with version-2 hashing
 * would be right. Sketches of version 1 cannot be converted; rebuild them from their streams.
 *
 * <p>Not thread-safe.
 */
public final class CountMinSketch {
  /** Largest width; at ε = e/width this is ε ≈ 4·10^-8. */
  public static final int MAX_WIDTH = 1 << 26;
  /** Largest depth; δ = e^-32 ≈ 10^-14 is far below any useful failure probability. */
  public static final int MAX_DEPTH = 32;
  /** Largest table, 2^24 counters (128 MiB), so a typo cannot ask for gigabytes of Flink state. */
  public static final int MAX_CELLS = 1 << 24;
  /** The seed when none is given. */
  public static final long DEFAULT_SEED = 9001L;

  static final int FORMAT_VERSION = 2;
  private static final String WHY_VERSION_1_FAILS =
      "its rows were placed by double hashing, which version 2's independent row hashes do not reproduce; rebuild "
          + "the sketch from its stream";
  /** The Mersenne prime 2^61 − 1 of the rows' hash family. */
  static final long PRIME = MersennePrime61.PRIME;
  private static final int PAYLOAD_HEADER_BYTES = 4 + 4 + 8 + 1 + 8;
  /** The largest serialized sketch, of {@link #MAX_CELLS} counters. */
  public static final int MAX_SERIALIZED_BYTES =
      SketchFormat.HEADER_BYTES + PAYLOAD_HEADER_BYTES + 16 * MAX_DEPTH + 8 * MAX_CELLS + SketchFormat.TRAILER_BYTES;
  private static final int FLAG_CONSERVATIVE = 1;

  private final int width;
  private final int depth;
  private final long seed;
  private final boolean conservative;
  /** Row i's hash is {@code (a[i]·x + b[i]) mod p}; never changed, so copies share the arrays. */
  private final long[] a;
  private final long[] b;
  /** Row-major: row i, column j is at {@code i * width + j}. */
  private final long[] table;
  private long totalCount;

  private CountMinSketch(
      int width, int depth, long seed, boolean conservative, long[] a, long[] b, long[] table, long totalCount) {
    this.width = width;
    this.depth = depth;
    this.seed = seed;
    this.conservative = conservative;
    this.a = a;
    this.b = b;
    this.table = table;
    this.totalCount = totalCount;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link CountMinSketch}; set either {@link #accuracy} or {@link #dimensions}. */
  public static final class Builder {
    private int width;
    private int depth;
    private long seed = DEFAULT_SEED;
    private boolean conservative;

    private Builder() {}

    /** Width {@code ⌈e/epsilon⌉} and depth {@code ⌈ln(1/delta)⌉}. */
    public Builder accuracy(double epsilon, double delta) {
      if (!(epsilon > 0 && epsilon < 1)) {
        throw new IllegalArgumentException("epsilon must be in (0, 1): " + epsilon);
      }
      if (!(delta > 0 && delta < 1)) {
        throw new IllegalArgumentException("delta must be in (0, 1): " + delta);
      }
      double w = Math.ceil(Math.E / epsilon);
      double d = Math.ceil(Math.log(1 / delta));
      if (w > MAX_WIDTH) {
        throw new IllegalArgumentException(
            "epsilon " + epsilon + " needs width " + (long) w + ", more than the maximum " + MAX_WIDTH
                + "; use a larger epsilon");
      }
      if (d > MAX_DEPTH) {
        throw new IllegalArgumentException(
            "delta " + delta + " needs depth " + (long) d + ", more than the maximum " + MAX_DEPTH
                + "; use a larger delta");
      }
      return dimensions((int) w, Math.max(1, (int) d));
    }

    public Builder dimensions(int width, int depth) {
      checkDimensions(width, depth, IllegalArgumentException::new);
      this.width = width;
      this.depth = depth;
      return this;
    }

    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** Conservative update: better estimates, but order-dependent; see the class documentation. */
    public Builder conservativeUpdate(boolean conservative) {
      this.conservative = conservative;
      return this;
    }

    public CountMinSketch build() {
      if (width == 0) {
        throw new IllegalStateException("set accuracy(epsilon, delta) or dimensions(width, depth) before build()");
      }
      long[] a = new long[depth];
      long[] b = new long[depth];
      SplittableRandom coefficients = new SplittableRandom(seed);
      for (int row = 0; row < depth; row++) {
        a[row] = 1 + coefficients.nextLong(PRIME - 1);
        b[row] = coefficients.nextLong(PRIME);
      }
      return new CountMinSketch(width, depth, seed, conservative, a, b, new long[width * depth], 0);
    }
  }

  private static <E extends RuntimeException> void checkDimensions(
      long width, long depth, java.util.function.Function<String, E> error) {
    if (width < 1 || width > MAX_WIDTH) {
      throw error.apply("width must be in [1, " + MAX_WIDTH + "]: " + width);
    }
    if (depth < 1 || depth > MAX_DEPTH) {
      throw error.apply("depth must be in [1, " + MAX_DEPTH + "]: " + depth);
    }
    if (width * depth > MAX_CELLS) {
      throw error.apply(
          "width × depth = " + width + " × " + depth + " exceeds the maximum of " + MAX_CELLS
              + " counters (" + (MAX_CELLS / (1 << 17)) + " MiB)");
    }
  }

  /** Adds {@code count} occurrences of a long item, hashed as its 8 little-endian bytes. */
  public void update(long item, long count) {
    add(MurmurHash3.hash128(item, seed).h1(), count);
  }

  /** Adds {@code count} occurrences of a string item, hashed as its UTF-8 bytes. */
  public void update(String item, long count) {
    add(MurmurHash3.hash128(Objects.requireNonNull(item, "item"), seed).h1(), count);
  }

  /** Adds {@code count} occurrences of a byte-array item. */
  public void update(byte[] item, long count) {
    add(MurmurHash3.hash128(Objects.requireNonNull(item, "item"), seed).h1(), count);
  }

  private void add(long hash, long count) {
    if (count < 0) {
      throw new IllegalArgumentException("count must be >= 0: " + count);
    }
    // Every counter is at most N, so checking N alone rules out counter overflow; check before touching the table.
    long newTotal = addTotal(count);
    long x = MersennePrime61.mod(hash);
    if (conservative) {
      long min = Long.MAX_VALUE;
      for (int i = 0; i < depth; i++) {
        min = Math.min(min, table[cell(i, x)]);
      }
      long target = min + count;
      for (int i = 0; i < depth; i++) {
        int at = cell(i, x);
        if (table[at] < target) {
          table[at] = target;
        }
      }
    } else {
      for (int i = 0; i < depth; i++) {
        table[cell(i, x)] += count;
      }
    }
    totalCount = newTotal;
  }

  private long addTotal(long count) {
    try {
      return Math.addExact(totalCount, count);
    } catch (ArithmeticException e) {
      throw new IllegalStateException(
          "total count would overflow a long: " + totalCount + " + " + count + "; the sketch is unchanged");
    }
  }

  /** The counter of row {@code row} for {@code x} in [0, p): {@code g = (a·x + b) mod p} scaled to [0, width). */
  private int cell(int row, long x) {
    long g = MersennePrime61.multiplyAdd(a[row], x, b[row]);
    // g < 2^61 and 8·width < 2^30, both non-negative: the high half of g·8·width is ⌊g·width / 2^61⌋ < width.
    return row * width + (int) Math.multiplyHigh(g, (long) width << 3);
  }

  public long estimate(long item) {
    return estimateOfHash(MurmurHash3.hash128(item, seed).h1());
  }

  public long estimate(String item) {
    return estimateOfHash(MurmurHash3.hash128(Objects.requireNonNull(item, "item"), seed).h1());
  }

  public long estimate(byte[] item) {
    return estimateOfHash(MurmurHash3.hash128(Objects.requireNonNull(item, "item"), seed).h1());
  }

  private long estimateOfHash(long hash) {
    long x = MersennePrime61.mod(hash);
    long min = Long.MAX_VALUE;
    for (int i = 0; i < depth; i++) {
      min = Math.min(min, table[cell(i, x)]);
    }
    return min;
  }

  /**
   * Adds {@code other}'s counters to this sketch's. Requires the same width, depth, seed and update mode. For
   * standard update, the result equals the sketch of this stream followed by the other's; for conservative update,
   * see the class documentation.
   *
   * @throws IllegalArgumentException naming the first mismatching parameter
   * @throws IllegalStateException if the total count would overflow; this sketch is then unchanged
   */
  public void merge(CountMinSketch other) {
    Objects.requireNonNull(other, "other");
    requireSame("width", width, other.width);
    requireSame("depth", depth, other.depth);
    requireSame("seed", seed, other.seed);
    if (!Arrays.equals(a, other.a) || !Arrays.equals(b, other.b)) {
      throw new IllegalArgumentException("cannot merge sketches with different row hash coefficients");
    }
    if (conservative != other.conservative) {
      throw new IllegalArgumentException(
          "cannot merge sketches with different update modes: conservative update " + conservative + " vs "
              + other.conservative);
    }
    long newTotal = addTotal(other.totalCount);
    long[] theirs = other.table;
    for (int i = 0; i < table.length; i++) {
      table[i] += theirs[i];
    }
    totalCount = newTotal;
  }

  private static void requireSame(String what, long ours, long theirs) {
    if (ours != theirs) {
      throw new IllegalArgumentException("cannot merge sketches with different " + what + ": " + ours + " vs " + theirs);
    }
  }

  /** N: the sum of all counts added, including merged sketches. */
  public long totalCount() {
    return totalCount;
  }

  /** ε = e / width: the error of an estimate, as a fraction of {@link #totalCount()}. */
  public double epsilon() {
    return Math.E / width;
  }

  /** δ = e^-depth: the probability that an estimate exceeds the true count by more than {@link #errorBound()}. */
  public double delta() {
    return Math.exp(-depth);
  }

  /** 1 − δ. */
  public double confidence() {
    return 1 - delta();
  }

  /** ε·N: with probability {@link #confidence()}, an estimate exceeds the true count by at most this. */
  public double errorBound() {
    return epsilon() * totalCount;
  }

  public int width() {
    return width;
  }

  public int depth() {
    return depth;
  }

  public long seed() {
    return seed;
  }

  public boolean isConservativeUpdate() {
    return conservative;
  }

  public boolean isEmpty() {
    return totalCount == 0;
  }

  public CountMinSketch copy() {
    return new CountMinSketch(width, depth, seed, conservative, a, b, table.clone(), totalCount);
  }

  /** The serialized size in bytes, envelope included. */
  public int serializedSizeBytes() {
    return SketchFormat.HEADER_BYTES + payloadBytes() + SketchFormat.TRAILER_BYTES;
  }

  private int payloadBytes() {
    return PAYLOAD_HEADER_BYTES + 16 * depth + 8 * table.length;
  }

  /** Serializes in the format documented on this class. */
  public byte[] toBytes() {
    SketchFormat.Writer writer = SketchFormat.writer(SketchFamily.COUNT_MIN, FORMAT_VERSION, payloadBytes());
    writer.putInt(width).putInt(depth).putLong(seed).putByte(conservative ? FLAG_CONSERVATIVE : 0).putLong(totalCount);
    for (int row = 0; row < depth; row++) {
      writer.putLong(a[row]).putLong(b[row]);
    }
    writer.buffer().asLongBuffer().put(table);
    writer.buffer().position(writer.buffer().position() + 8 * table.length);
    return writer.finish();
  }

  /**
   * Reads a sketch written by {@link #toBytes()}.
   *
   * @throws SketchFormatException if the bytes are truncated, corrupt, of another family or describe an invalid
   *     sketch
   */
  public static CountMinSketch fromBytes(byte[] bytes) {
    SketchFormat.Reader reader =
        SketchFormat.reader(bytes, SketchFamily.COUNT_MIN, FORMAT_VERSION, FORMAT_VERSION, WHY_VERSION_1_FAILS);
    int width = reader.getInt();
    int depth = reader.getInt();
    checkDimensions(width, depth, reader::corrupt);
    long seed = reader.getLong();
    int flags = reader.getByte();
    if ((flags & ~FLAG_CONSERVATIVE) != 0) {
      throw reader.corrupt("unknown flags " + Integer.toBinaryString(flags));
    }
    boolean conservative = (flags & FLAG_CONSERVATIVE) != 0;
    long totalCount = reader.getLong();
    if (totalCount < 0) {
      throw reader.corrupt("negative total count " + totalCount);
    }
    long[] a = new long[depth];
    long[] b = new long[depth];
    for (int row = 0; row < depth; row++) {
      a[row] = reader.getLong();
      b[row] = reader.getLong();
      if (a[row] < 1 || a[row] >= PRIME || b[row] < 0 || b[row] >= PRIME) {
        throw reader.corrupt(
            "row " + row + " hash coefficients (" + a[row] + ", " + b[row] + ") are outside [1, p) × [0, p)");
      }
    }
    int cells = reader.checkedCount((long) width * depth, 8, "counter");
    long[] table = new long[cells];
    reader.buffer().asLongBuffer().get(table);
    reader.buffer().position(reader.buffer().position() + 8 * cells);
    reader.end();
    for (int row = 0; row < depth; row++) {
      checkRow(table, row, width, totalCount, conservative, reader);
    }
    return new CountMinSketch(width, depth, seed, conservative, a, b, table, totalCount);
  }

  /**
   * Checks that a row's counters are non-negative and sum to N (standard update) or at most N (conservative update),
   * which bounds each of them by N too. One pass with no branch per counter: the signs are or-ed together, and the
   * sum is kept in two halves (high and low 32 bits of each counter) that cannot overflow, at most 2^26 · 2^32 each.
   */
  private static void checkRow(
      long[] table, int row, int width, long totalCount, boolean conservative, SketchFormat.Reader reader) {
    long signs = 0;
    long highSum = 0;
    long lowSum = 0;
    for (int j = row * width; j < (row + 1) * width; j++) {
      long counter = table[j];
      signs |= counter;
      highSum += counter >>> 32;
      lowSum += counter & 0xffffffffL;
    }
    // The row sum is highSum·2^32 + lowSum = carried·2^32 + (lowSum mod 2^32), compared with N in the same halves.
    long carried = highSum + (lowSum >>> 32);
    long low = lowSum & 0xffffffffL;
    long totalHigh = totalCount >>> 32;
    long totalLow = totalCount & 0xffffffffL;
    boolean equal = carried == totalHigh && low == totalLow;
    if (signs < 0 || carried > totalHigh || (carried == totalHigh && low > totalLow)) {
      // Name the first counter outside [0, N] if there is one, as the clearer message.
      for (int j = row * width; j < (row + 1) * width; j++) {
        if (table[j] < 0 || table[j] > totalCount) {
          throw reader.corrupt("counter " + table[j] + " at row " + row + " is outside [0, N = " + totalCount + "]");
        }
      }
      throw reader.corrupt("row " + row + " sums to more than N = " + totalCount);
    }
    if (!conservative && !equal) {
      throw reader.corrupt("row " + row + " sums to " + (carried << 32 | low) + ", not N = " + totalCount);
    }
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof CountMinSketch)) {
      return false;
    }
    CountMinSketch that = (CountMinSketch) o;
    return width == that.width
        && depth == that.depth
        && seed == that.seed
        && conservative == that.conservative
        && totalCount == that.totalCount
        && Arrays.equals(a, that.a)
        && Arrays.equals(b, that.b)
        && Arrays.equals(table, that.table);
  }

  @Override
  public int hashCode() {
    return 31 * Objects.hash(width, depth, seed, conservative, totalCount) + Arrays.hashCode(table);
  }

  @Override
  public String toString() {
    return "CountMinSketch{width=" + width + ", depth=" + depth + ", seed=" + seed + ", conservative="
        + conservative + ", N=" + totalCount + "}";
  }
}
