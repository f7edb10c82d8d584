package io.streamsketch.sketch.cms;

import io.streamsketch.sketch.SketchFamily;
import io.streamsketch.sketch.SketchFormat;
import io.streamsketch.sketch.SketchFormatException;
import io.streamsketch.sketch.hash.Hash128;
import io.streamsketch.sketch.hash.MurmurHash3;
import java.util.Arrays;
import java.util.Objects;

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
 *       choice of hash function, for a fixed item.
 * </ul>
 *
 * <p>Built {@linkplain Builder#accuracy(double, double) from (ε, δ)}, the width is {@code ⌈e/ε⌉} and the depth
 * {@code ⌈ln(1/δ)⌉}, so the effective {@link #epsilon()} and {@link #delta()} are at most the requested ones.
 *
 * <h2>Hashing</h2>
 *
 * Each update hashes the item once with {@link MurmurHash3} (128 bits, the sketch's seed) and derives the column of
 * row {@code i} from {@code g_i = h1 + i·h2} (Kirsch and Mitzenmacher, "Less hashing, same performance", 2006),
 * mapping the top 32 bits of {@code g_i} to {@code [0, width)} with a multiply-shift instead of a modulo.
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
 * <h2>Binary format, version 1</h2>
 *
 * Inside the {@link SketchFormat} envelope (family {@link SketchFamily#COUNT_MIN}); little-endian:
 *
 * <pre>
 * offset  size           field
 * 0       4              envelope header
 * 4       4              width, in [1, MAX_WIDTH]
 * 8       4              depth, in [1, MAX_DEPTH], width × depth ≤ MAX_CELLS
 * 12      8              seed
 * 20      1              flags: bit 0 = conservative update; other bits 0
 * 21      8              total count N ≥ 0
 * 29      8·depth·width  counters, row by row; each in [0, N], and each row sums to N (standard update) or at
 *                        most N (conservative update)
 * end     4              CRC-32C trailer
 * </pre>
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

  static final int FORMAT_VERSION = 1;
  private static final int PAYLOAD_HEADER_BYTES = 4 + 4 + 8 + 1 + 8;
  /** The largest serialized sketch, of {@link #MAX_CELLS} counters. */
  public static final int MAX_SERIALIZED_BYTES =
      SketchFormat.HEADER_BYTES + PAYLOAD_HEADER_BYTES + 8 * MAX_CELLS + SketchFormat.TRAILER_BYTES;
  private static final int FLAG_CONSERVATIVE = 1;

  private final int width;
  private final int depth;
  private final long seed;
  private final boolean conservative;
  /** Row-major: row i, column j is at {@code i * width + j}. */
  private final long[] table;
  private long totalCount;

  private CountMinSketch(int width, int depth, long seed, boolean conservative, long[] table, long totalCount) {
    this.width = width;
    this.depth = depth;
    this.seed = seed;
    this.conservative = conservative;
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
      return new CountMinSketch(width, depth, seed, conservative, new long[width * depth], 0);
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
    add(MurmurHash3.hash128(item, seed), count);
  }

  /** Adds {@code count} occurrences of a string item, hashed as its UTF-8 bytes. */
  public void update(String item, long count) {
    add(MurmurHash3.hash128(Objects.requireNonNull(item, "item"), seed), count);
  }

  /** Adds {@code count} occurrences of a byte-array item. */
  public void update(byte[] item, long count) {
    add(MurmurHash3.hash128(Objects.requireNonNull(item, "item"), seed), count);
  }

  private void add(Hash128 hash, long count) {
    if (count < 0) {
      throw new IllegalArgumentException("count must be >= 0: " + count);
    }
    // Every counter is at most N, so checking N alone rules out counter overflow; check before touching the table.
    long newTotal = addTotal(count);
    long h1 = hash.h1();
    long h2 = hash.h2();
    if (conservative) {
      long min = Long.MAX_VALUE;
      for (int i = 0; i < depth; i++) {
        min = Math.min(min, table[cell(i, h1 + i * h2)]);
      }
      long target = min + count;
      for (int i = 0; i < depth; i++) {
        int at = cell(i, h1 + i * h2);
        if (table[at] < target) {
          table[at] = target;
        }
      }
    } else {
      for (int i = 0; i < depth; i++) {
        table[cell(i, h1 + i * h2)] += count;
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

  /** The counter of row {@code row} for the combined hash {@code g}: top 32 bits scaled to [0, width). */
  private int cell(int row, long g) {
    return row * width + (int) (((g >>> 32) * width) >>> 32);
  }

  public long estimate(long item) {
    return estimate(MurmurHash3.hash128(item, seed));
  }

  public long estimate(String item) {
    return estimate(MurmurHash3.hash128(Objects.requireNonNull(item, "item"), seed));
  }

  public long estimate(byte[] item) {
    return estimate(MurmurHash3.hash128(Objects.requireNonNull(item, "item"), seed));
  }

  private long estimate(Hash128 hash) {
    long h1 = hash.h1();
    long h2 = hash.h2();
    long min = Long.MAX_VALUE;
    for (int i = 0; i < depth; i++) {
      min = Math.min(min, table[cell(i, h1 + i * h2)]);
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
    return new CountMinSketch(width, depth, seed, conservative, table.clone(), totalCount);
  }

  /** The serialized size in bytes, envelope included. */
  public int serializedSizeBytes() {
    return SketchFormat.HEADER_BYTES + payloadBytes() + SketchFormat.TRAILER_BYTES;
  }

  private int payloadBytes() {
    return PAYLOAD_HEADER_BYTES + 8 * table.length;
  }

  /** Serializes in the format documented on this class. */
  public byte[] toBytes() {
    SketchFormat.Writer writer = SketchFormat.writer(SketchFamily.COUNT_MIN, FORMAT_VERSION, payloadBytes());
    writer.putInt(width).putInt(depth).putLong(seed).putByte(conservative ? FLAG_CONSERVATIVE : 0).putLong(totalCount);
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
    SketchFormat.Reader reader = SketchFormat.reader(bytes, SketchFamily.COUNT_MIN, FORMAT_VERSION);
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
    int cells = reader.checkedCount((long) width * depth, 8, "counter");
    long[] table = new long[cells];
    reader.buffer().asLongBuffer().get(table);
    reader.buffer().position(reader.buffer().position() + 8 * cells);
    reader.end();
    for (int row = 0; row < depth; row++) {
      long rowSum = 0;
      for (int j = row * width; j < (row + 1) * width; j++) {
        long counter = table[j];
        if (counter < 0 || counter > totalCount) {
          throw reader.corrupt("counter " + counter + " at row " + row + " is outside [0, N = " + totalCount + "]");
        }
        // Compared before adding, so the sum cannot overflow.
        if (counter > totalCount - rowSum) {
          throw reader.corrupt("row " + row + " sums to more than N = " + totalCount);
        }
        rowSum += counter;
      }
      if (!conservative && rowSum != totalCount) {
        throw reader.corrupt("row " + row + " sums to " + rowSum + ", not N = " + totalCount);
      }
    }
    return new CountMinSketch(width, depth, seed, conservative, table, totalCount);
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
