package io.streamsketch.sketch.hll;

import io.streamsketch.sketch.SketchFamily;
import io.streamsketch.sketch.SketchFormat;
import io.streamsketch.sketch.SketchFormatException;
import io.streamsketch.sketch.hash.MurmurHash3;
import java.util.Arrays;
import java.util.Objects;

/**
 * A HyperLogLog sketch of the number of distinct items in a stream, with {@code m = 2^p} registers for a precision
 * {@code p} in [4, 18], and a relative standard error of about {@code 1.04/√m} ({@link #relativeStandardError()}).
 *
 * <h2>Registers</h2>
 *
 * Each item is hashed to 64 bits (the first half of {@link MurmurHash3#hash128}, with the sketch's seed). The top p
 * bits select a register; the rank is the position of the first 1 bit among the other {@code q = 64 − p} bits (1 for
 * a leading 1, {@code q + 1} if they are all 0). A register holds the largest rank seen, in [0, q + 1] ⊂ [0, 61], so
 * 6 bits.
 *
 * <h2>Estimator</h2>
 *
 * Ertl's improved estimator ("New cardinality estimation algorithms for HyperLogLog sketches", 2017, algorithm 6),
 * computed from the histogram of register values with his σ and τ series: unbiased over the whole range, with no
 * empirical bias tables and no switch to linear counting (so no bias hole around 2.5m). The histogram is kept up to
 * date on every register change, so {@link #estimate()} costs O(q), not O(m), and the estimate is cached until a
 * register changes.
 *
 * <h2>Sparse and dense representations</h2>
 *
 * A new sketch is sparse: an open-addressing hash set of ints {@code index << 6 | rank} at the higher sparse
 * precision {@code p' = 25} (as in HLL++), keeping the largest rank per 25-bit index. While sparse, the estimate is
 * linear counting over {@code 2^25} buckets, {@code −2^25·ln(1 − entries/2^25)}, which is exact in practice for
 * small cardinalities (a collision among 1000 items has probability 1.5%). The sketch turns dense once it has more
 * than {@code 3m/32} entries: the largest number a power-of-two table of at most {@code m/8} ints (so at most
 * {@code m/2} bytes) holds at load factor 3/4, which is less than the dense {@code 3m/4} bytes. The switch depends
 * only on the number of entries, so a sketch's representation is a function of its stream.
 *
 * <p>Dense registers are packed 6 bits each, four registers in three bytes ({@code 3m/4} bytes): register {@code i}
 * is bits {@code [6·(i mod 4), 6·(i mod 4) + 6)} of the little-endian 24-bit word at byte {@code 3·⌊i/4⌋}.
 *
 * <h2>Folding to a lower precision</h2>
 *
 * A register {@code (i', r')} at precision {@code p' > p}, with {@code d = p' − p}, belongs to register {@code i =
 * i' >> d} at precision p, and the low d bits {@code b} of {@code i'} are the first d bits of the rank bits at
 * precision p: the folded rank is the position of the first 1 bit of {@code b} if {@code b ≠ 0}, else {@code d +
 * r'}. Folding is exact: it gives the registers that a p-precision sketch of the same stream has. Sparse entries
 * fold the same way (from p' = 25) when the sketch turns dense, and {@link #merge} folds the larger precision down.
 *
 * <h2>Binary format, version 1</h2>
 *
 * Inside the {@link SketchFormat} envelope (family {@link SketchFamily#HYPERLOGLOG}); little-endian:
 *
 * <pre>
 * offset  size    field
 * 0       4       envelope header
 * 4       1       precision p, in [4, 18]
 * 5       1       representation: 0 = sparse, 1 = dense
 * 6       8       seed
 * sparse:
 * 14      4       entry count c, in [0, 3m/32]
 * 18      4·c     entries {@code index << 6 | rank}, index &lt; 2^25 strictly ascending, rank in [1, 40]
 * dense:
 * 14      3m/4    registers, packed as in memory; each in [0, 65 − p]
 * end     4       CRC-32C trailer
 * </pre>
 *
 * <p>Not thread-safe.
 */
public final class HyperLogLog {
  public static final int MIN_PRECISION = 4;
  public static final int MAX_PRECISION = 18;
  /** The seed when none is given. */
  public static final long DEFAULT_SEED = 9001L;

  static final int FORMAT_VERSION = 1;
  static final int SPARSE_PRECISION = 25;
  private static final double SPARSE_BUCKETS = 1 << SPARSE_PRECISION;
  private static final int SPARSE_MAX_RANK = 64 - SPARSE_PRECISION + 1;
  private static final int MODE_SPARSE = 0;
  private static final int MODE_DENSE = 1;
  private static final int MIN_SPARSE_CAPACITY = 16;
  private static final double ALPHA_INFINITY = 1 / (2 * Math.log(2));

  private final long seed;
  private int precision;
  /** Sparse mode: open-addressing set of {@code index << 6 | rank}, 0 = empty slot; null when dense. */
  private int[] sparse;
  private int sparseSize;
  /** Dense mode: packed 6-bit registers; null when sparse. */
  private byte[] dense;
  /** Dense mode: {@code histogram[r]} = number of registers holding r, for r in [0, 65 − p]. */
  private int[] histogram;
  /** Dense mode: the estimate, or NaN after a register changed; derived state, ignored by equals. */
  private double cachedEstimate = Double.NaN;

  private HyperLogLog(int precision, long seed) {
    this.precision = precision;
    this.seed = seed;
    this.sparse = new int[Math.min(MIN_SPARSE_CAPACITY, maxSparseCapacity(precision))];
  }

  /** An empty sketch with the default seed. */
  public static HyperLogLog create(int precision) {
    return create(precision, DEFAULT_SEED);
  }

  /** An empty sketch; only sketches with the same seed can be merged. */
  public static HyperLogLog create(int precision, long seed) {
    checkPrecision(precision, IllegalArgumentException::new);
    return new HyperLogLog(precision, seed);
  }

  private static <E extends RuntimeException> void checkPrecision(
      int precision, java.util.function.Function<String, E> error) {
    if (precision < MIN_PRECISION || precision > MAX_PRECISION) {
      throw error.apply("precision must be in [" + MIN_PRECISION + ", " + MAX_PRECISION + "]: " + precision);
    }
  }

  private static int maxSparseCapacity(int precision) {
    return 1 << (precision - 3);
  }

  /** Entries beyond which the sketch turns dense: 3/4 of {@link #maxSparseCapacity}. */
  static int maxSparseEntries(int precision) {
    return 3 * (1 << precision) / 32;
  }

  /** Adds a long item, hashed as its 8 little-endian bytes. */
  public void update(long item) {
    updateHash(MurmurHash3.hash128(item, seed).h1());
  }

  /** Adds a string item, hashed as its UTF-8 bytes. */
  public void update(String item) {
    updateHash(MurmurHash3.hash128(Objects.requireNonNull(item, "item"), seed).h1());
  }

  /** Adds a byte-array item. */
  public void update(byte[] item) {
    updateHash(MurmurHash3.hash128(Objects.requireNonNull(item, "item"), seed).h1());
  }

  private void updateHash(long hash) {
    if (dense != null) {
      // The sentinel bit caps the leading-zero count at q, so the rank is at most q + 1.
      int rank = Long.numberOfLeadingZeros((hash << precision) | (1L << (precision - 1))) + 1;
      raiseDense((int) (hash >>> (64 - precision)), rank);
    } else {
      int rank = Long.numberOfLeadingZeros((hash << SPARSE_PRECISION) | (1L << (SPARSE_PRECISION - 1))) + 1;
      addSparse((int) (hash >>> (64 - SPARSE_PRECISION)), rank);
    }
  }

  private void raiseDense(int index, int rank) {
    int at = 3 * (index >>> 2);
    int shift = 6 * (index & 3);
    byte[] registers = dense;
    int word = (registers[at] & 0xff) | (registers[at + 1] & 0xff) << 8 | (registers[at + 2] & 0xff) << 16;
    int old = (word >>> shift) & 0x3f;
    if (rank > old) {
      word = (word & ~(0x3f << shift)) | rank << shift;
      registers[at] = (byte) word;
      registers[at + 1] = (byte) (word >>> 8);
      registers[at + 2] = (byte) (word >>> 16);
      histogram[old]--;
      histogram[rank]++;
      cachedEstimate = Double.NaN;
    }
  }

  private static int register(byte[] registers, int index) {
    int at = 3 * (index >>> 2);
    int word = (registers[at] & 0xff) | (registers[at + 1] & 0xff) << 8 | (registers[at + 2] & 0xff) << 16;
    return (word >>> (6 * (index & 3))) & 0x3f;
  }

  /** Adds a sparse entry, or a folded register if the sketch is (or turns) dense. */
  private void addSparse(int index, int rank) {
    if (dense != null) {
      raiseDenseFolded(index, SPARSE_PRECISION, rank);
      return;
    }
    int[] table = sparse;
    int mask = table.length - 1;
    // The index is made of hash bits, so its low bits spread evenly over the slots.
    for (int slot = index & mask; ; slot = (slot + 1) & mask) {
      int entry = table[slot];
      if (entry == 0) {
        if (sparseSize + 1 > maxSparseEntries(precision)) {
          convertToDense();
          raiseDenseFolded(index, SPARSE_PRECISION, rank);
        } else if (4 * (sparseSize + 1) > 3 * table.length) {
          rehashSparse(2 * table.length);
          addSparse(index, rank);
        } else {
          table[slot] = index << 6 | rank;
          sparseSize++;
        }
        return;
      }
      if (entry >>> 6 == index) {
        if (rank > (entry & 0x3f)) {
          table[slot] = index << 6 | rank;
        }
        return;
      }
    }
  }

  private void rehashSparse(int capacity) {
    int[] old = sparse;
    int[] table = new int[capacity];
    int mask = capacity - 1;
    for (int entry : old) {
      if (entry != 0) {
        int slot = (entry >>> 6) & mask;
        while (table[slot] != 0) {
          slot = (slot + 1) & mask;
        }
        table[slot] = entry;
      }
    }
    sparse = table;
  }

  /** The smallest power-of-two table, at least 16 slots, that holds {@code entries} at load factor 3/4. */
  private static int sparseCapacityFor(int entries, int precision) {
    int capacity = Math.min(MIN_SPARSE_CAPACITY, maxSparseCapacity(precision));
    while (4 * entries > 3 * capacity) {
      capacity *= 2;
    }
    return capacity;
  }

  /** Raises the dense register of an entry at precision {@code fromPrecision ≥ precision}, folding it down. */
  private void raiseDenseFolded(int index, int fromPrecision, int rank) {
    int d = fromPrecision - precision;
    raiseDense(index >>> d, foldedRank(index & ((1 << d) - 1), d, rank));
  }

  /** The rank at a precision d bits lower, given the d low index bits that move into the rank bits. */
  static int foldedRank(int lowBits, int d, int rank) {
    return lowBits == 0 ? d + rank : Integer.numberOfLeadingZeros(lowBits) - (32 - d) + 1;
  }

  private void convertToDense() {
    int[] entries = sparse;
    sparse = null;
    sparseSize = 0;
    newDense();
    for (int entry : entries) {
      if (entry != 0) {
        raiseDenseFolded(entry >>> 6, SPARSE_PRECISION, entry & 0x3f);
      }
    }
  }

  private void newDense() {
    int m = 1 << precision;
    dense = new byte[3 * m / 4];
    histogram = new int[66 - precision];
    histogram[0] = m;
    cachedEstimate = Double.NaN;
  }

  /**
   * The estimated number of distinct items: linear counting on the 2^25 sparse buckets while sparse, Ertl's
   * improved estimator once dense.
   */
  public double estimate() {
    if (dense == null) {
      return sparseSize == 0 ? 0 : -SPARSE_BUCKETS * Math.log1p(-sparseSize / SPARSE_BUCKETS);
    }
    if (Double.isNaN(cachedEstimate)) {
      cachedEstimate = ertlEstimate(histogram, precision);
    }
    return cachedEstimate;
  }

  /** Ertl 2017, algorithm 6, from the register histogram {@code counts[0..q+1]}. */
  static double ertlEstimate(int[] counts, int precision) {
    int m = 1 << precision;
    int q = 64 - precision;
    double z = m * tau(1 - (double) counts[q + 1] / m);
    for (int k = q; k >= 1; k--) {
      z = 0.5 * (z + counts[k]);
    }
    z += m * sigma((double) counts[0] / m);
    return ALPHA_INFINITY * m * m / z;
  }

  private static double sigma(double x) {
    if (x == 1) {
      return Double.POSITIVE_INFINITY;
    }
    double y = 1;
    double z = x;
    double previous;
    do {
      x *= x;
      previous = z;
      z += x * y;
      y += y;
    } while (z != previous);
    return z;
  }

  private static double tau(double x) {
    if (x == 0 || x == 1) {
      return 0;
    }
    double y = 1;
    double z = 1 - x;
    double previous;
    do {
      x = Math.sqrt(x);
      previous = z;
      y *= 0.5;
      z -= (1 - x) * (1 - x) * y;
    } while (z != previous);
    return z / 3;
  }

  /** About 1.04/√m, the asymptotic relative standard error of the dense estimate. */
  public double relativeStandardError() {
    return 1.04 / Math.sqrt(1 << precision);
  }

  /**
   * {@code estimate·(1 − k·RSE)}, but never below the number of non-empty registers (or sparse entries), each of
   * which needs a distinct item.
   */
  public double lowerBound(double numStdDev) {
    checkStdDev(numStdDev);
    int occupied = dense == null ? sparseSize : (1 << precision) - histogram[0];
    return Math.max(occupied, estimate() * (1 - numStdDev * relativeStandardError()));
  }

  /** {@code estimate·(1 + k·RSE)}. */
  public double upperBound(double numStdDev) {
    checkStdDev(numStdDev);
    return estimate() * (1 + numStdDev * relativeStandardError());
  }

  private static void checkStdDev(double numStdDev) {
    if (!(numStdDev > 0 && numStdDev <= 3)) {
      throw new IllegalArgumentException("numStdDev must be in (0, 3]: " + numStdDev);
    }
  }

  /**
   * Adds {@code other}'s items to this sketch. If the precisions differ, this sketch takes the smaller one, folding
   * its own registers if needed; the result then equals the sketch, at that precision, of both streams.
   *
   * @throws IllegalArgumentException if the seeds differ
   */
  public void merge(HyperLogLog other) {
    Objects.requireNonNull(other, "other");
    if (seed != other.seed) {
      throw new IllegalArgumentException("cannot merge sketches with different seed: " + seed + " vs " + other.seed);
    }
    if (other == this) {
      return;
    }
    reducePrecision(Math.min(precision, other.precision));
    if (other.dense == null) {
      for (int entry : other.sparse) {
        if (entry != 0) {
          addSparse(entry >>> 6, entry & 0x3f);
        }
      }
      return;
    }
    // A dense other had more entries than its threshold, which is at least ours: the union is dense too.
    if (dense == null) {
      convertToDense();
    }
    foldDense(other.dense, other.precision);
  }

  private void reducePrecision(int target) {
    if (target == precision) {
      return;
    }
    if (dense == null) {
      precision = target;
      if (sparseSize > maxSparseEntries(target)) {
        convertToDense();
      } else {
        // Keep the table within the memory budget of the new precision.
        rehashSparse(sparseCapacityFor(sparseSize, target));
      }
      return;
    }
    byte[] registers = dense;
    int from = precision;
    precision = target;
    newDense();
    foldDense(registers, from);
  }

  /** Raises this dense sketch's registers with those of {@code registers} at precision {@code from ≥ precision}. */
  private void foldDense(byte[] registers, int from) {
    if (from == precision) {
      maxDense(registers);
      return;
    }
    int d = from - precision;
    int mask = (1 << d) - 1;
    for (int i = 0; i < 1 << from; i++) {
      int rank = register(registers, i);
      if (rank != 0) {
        raiseDense(i >>> d, foldedRank(i & mask, d, rank));
      }
    }
  }

  /** Register-wise max with same-precision registers, three bytes (four registers) at a time. */
  private void maxDense(byte[] registers) {
    byte[] mine = dense;
    for (int at = 0; at < mine.length; at += 3) {
      int ours = (mine[at] & 0xff) | (mine[at + 1] & 0xff) << 8 | (mine[at + 2] & 0xff) << 16;
      int theirs = (registers[at] & 0xff) | (registers[at + 1] & 0xff) << 8 | (registers[at + 2] & 0xff) << 16;
      if (ours == theirs) {
        continue;
      }
      int merged = ours;
      for (int shift = 0; shift < 24; shift += 6) {
        int old = (ours >>> shift) & 0x3f;
        int rank = (theirs >>> shift) & 0x3f;
        if (rank > old) {
          merged = (merged & ~(0x3f << shift)) | rank << shift;
          histogram[old]--;
          histogram[rank]++;
        }
      }
      mine[at] = (byte) merged;
      mine[at + 1] = (byte) (merged >>> 8);
      mine[at + 2] = (byte) (merged >>> 16);
    }
    cachedEstimate = Double.NaN;
  }

  public int precision() {
    return precision;
  }

  public long seed() {
    return seed;
  }

  public boolean isSparse() {
    return dense == null;
  }

  public boolean isEmpty() {
    return dense == null ? sparseSize == 0 : histogram[0] == 1 << precision;
  }

  /** The m register values at the current precision (sparse entries folded down); for tests and debugging. */
  int[] registerValues() {
    int m = 1 << precision;
    int[] values = new int[m];
    if (dense != null) {
      for (int i = 0; i < m; i++) {
        values[i] = register(dense, i);
      }
    } else {
      int d = SPARSE_PRECISION - precision;
      for (int entry : sparse) {
        if (entry != 0) {
          int index = entry >>> 6;
          int rank = foldedRank(index & ((1 << d) - 1), d, entry & 0x3f);
          values[index >>> d] = Math.max(values[index >>> d], rank);
        }
      }
    }
    return values;
  }

  public HyperLogLog copy() {
    HyperLogLog copy = new HyperLogLog(precision, seed);
    copy.sparse = sparse == null ? null : sparse.clone();
    copy.sparseSize = sparseSize;
    copy.dense = dense == null ? null : dense.clone();
    copy.histogram = histogram == null ? null : histogram.clone();
    copy.cachedEstimate = cachedEstimate;
    return copy;
  }

  /** The serialized size in bytes, envelope included. */
  public int serializedSizeBytes() {
    return SketchFormat.HEADER_BYTES + payloadBytes() + SketchFormat.TRAILER_BYTES;
  }

  private int payloadBytes() {
    return 1 + 1 + 8 + (dense == null ? 4 + 4 * sparseSize : dense.length);
  }

  /** Serializes in the format documented on this class. */
  public byte[] toBytes() {
    SketchFormat.Writer writer = SketchFormat.writer(SketchFamily.HYPERLOGLOG, FORMAT_VERSION, payloadBytes());
    writer.putByte(precision).putByte(dense == null ? MODE_SPARSE : MODE_DENSE).putLong(seed);
    if (dense == null) {
      writer.putInt(sparseSize);
      for (int entry : sortedSparseEntries()) {
        writer.putInt(entry);
      }
    } else {
      writer.putBytes(dense);
    }
    return writer.finish();
  }

  /** Entries ascending; {@code index << 6 | rank} orders by index since indexes are distinct. */
  private int[] sortedSparseEntries() {
    int[] entries = new int[sparseSize];
    int n = 0;
    for (int entry : sparse) {
      if (entry != 0) {
        entries[n++] = entry;
      }
    }
    Arrays.sort(entries);
    return entries;
  }

  /**
   * Reads a sketch written by {@link #toBytes()}.
   *
   * @throws SketchFormatException if the bytes are truncated, corrupt, of another family or describe an invalid
   *     sketch
   */
  public static HyperLogLog fromBytes(byte[] bytes) {
    SketchFormat.Reader reader = SketchFormat.reader(bytes, SketchFamily.HYPERLOGLOG, FORMAT_VERSION);
    int precision = reader.getByte();
    checkPrecision(precision, reader::corrupt);
    int mode = reader.getByte();
    long seed = reader.getLong();
    HyperLogLog sketch = new HyperLogLog(precision, seed);
    if (mode == MODE_SPARSE) {
      int count = reader.getInt();
      if (count < 0 || count > maxSparseEntries(precision)) {
        throw reader.corrupt(
            "sparse entry count " + count + " is outside [0, " + maxSparseEntries(precision) + "] for precision "
                + precision);
      }
      reader.checkedCount(count, 4, "sparse entry");
      sketch.rehashSparse(sparseCapacityFor(count, precision));
      int previousIndex = -1;
      for (int i = 0; i < count; i++) {
        int entry = reader.getInt();
        int index = entry >>> 6;
        int rank = entry & 0x3f;
        if (entry < 0 || index <= previousIndex || rank < 1 || rank > SPARSE_MAX_RANK) {
          throw reader.corrupt(
              "sparse entry " + i + " (index " + index + ", rank " + rank + ") is not ascending or has a rank "
                  + "outside [1, " + SPARSE_MAX_RANK + "]");
        }
        previousIndex = index;
        sketch.addSparse(index, rank);
      }
    } else if (mode == MODE_DENSE) {
      sketch.sparse = null;
      sketch.newDense();
      reader.checkedCount(sketch.dense.length, 1, "register byte");
      reader.buffer().get(sketch.dense);
      int maxRank = 65 - precision;
      int[] histogram = sketch.histogram;
      histogram[0] = 0;
      for (int i = 0; i < 1 << precision; i++) {
        int rank = register(sketch.dense, i);
        if (rank > maxRank) {
          throw reader.corrupt("register " + i + " holds " + rank + ", more than " + maxRank);
        }
        histogram[rank]++;
      }
    } else {
      throw reader.corrupt("unknown representation " + mode);
    }
    reader.end();
    return sketch;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof HyperLogLog)) {
      return false;
    }
    HyperLogLog that = (HyperLogLog) o;
    if (precision != that.precision || seed != that.seed || isSparse() != that.isSparse()) {
      return false;
    }
    if (dense != null) {
      return Arrays.equals(dense, that.dense);
    }
    return sparseSize == that.sparseSize && Arrays.equals(sortedSparseEntries(), that.sortedSparseEntries());
  }

  @Override
  public int hashCode() {
    int content = dense != null ? Arrays.hashCode(dense) : Arrays.hashCode(sortedSparseEntries());
    return 31 * (31 * precision + Long.hashCode(seed)) + content;
  }

  @Override
  public String toString() {
    return "HyperLogLog{precision=" + precision + ", seed=" + seed + ", " + (isSparse() ? "sparse" : "dense")
        + ", estimate=" + estimate() + "}";
  }
}
