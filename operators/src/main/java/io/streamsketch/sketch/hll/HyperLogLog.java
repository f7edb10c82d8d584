package io.streamsketch.sketch.hll;

import io.streamsketch.sketch.SketchFamily;
import io.streamsketch.sketch.SketchFormat;
import io.streamsketch.sketch.SketchFormatException;
import io.streamsketch.sketch.hash.MurmurHash3;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * A HyperLogLog sketch of the number of distinct items in a stream, with {@code m = 2^p} registers for a precision
 * {@code p} in [4, 18]. Its relative standard error ({@link #relativeStandardError()}) is about {@code √(ln 2)/√m ≈
 * 0.833/√m} for a sketch built by updates only (HIP estimator) and about {@code 1.04/√m} after a merge.
 *
 * <h2>Registers</h2>
 *
 * Each item is hashed to 64 bits (the first half of {@link MurmurHash3#hash128}, with the sketch's seed). The top p
 * bits select a register; the rank is the position of the first 1 bit among the other {@code q = 64 − p} bits (1 for
 * a leading 1, {@code q + 1} if they are all 0). A register holds the largest rank seen, in [0, q + 1] ⊂ [0, 61], so
 * 6 bits.
 *
 * <h2>Estimators</h2>
 *
 * {@link #estimate()} is the HIP (historic inverse probability) estimate while the sketch has only been updated, and
 * the register estimate once it has been merged; {@link #registerEstimate()} is always the register estimate.
 *
 * <p><b>HIP</b> (Ting 2014, "Streamed approximate counting of distinct elements"; Cohen 2014, "All-distances
 * sketches, revisited: HIP estimators") keeps a running sum: whenever an update changes the sketch's state, it adds
 * {@code 1/P}, where {@code P} is the probability, given the state before the update, that a new distinct item changes
 * it. Dense, {@code P = (1/m) Σ_j P(rank > R_j)} with {@code P(rank > r) = 2^−r} for {@code r ≤ q} and 0 for a register
 * at the cap {@code q + 1}; sparse, the same over the {@code 2^25} buckets and ranks of the sparse precision (absent
 * entries count as rank 0). The sum is an unbiased estimate (a martingale over state changes, so it carries across the
 * sparse-to-dense switch) with relative standard error {@code √(ln 2)/√m} for large n, against {@code 1.04/√m} for any
 * estimate computed from the registers alone. It depends on the order of the updates, so it is lost in a merge: a
 * merged sketch has no HIP state, and its estimate is the register estimate. DataSketches' {@code HllSketch} does the
 * same. {@code Σ_j P(rank > R_j)} is kept exactly, as two integer sums, so it does not drift and is recomputed bit
 * for bit after deserialization.
 *
 * <p>The <b>register estimate</b> depends on the registers only, so on the set of items and not their order. Sparse,
 * it is linear counting over the {@code 2^25} buckets (below); dense, Ertl's improved estimator ("New cardinality
 * estimation algorithms for HyperLogLog sketches", 2017, algorithm 6), computed from the histogram of register values
 * with his σ and τ series: unbiased over the whole range, with no empirical bias tables and no switch to linear
 * counting (so no bias hole around 2.5m). The histogram is kept up to date on every register change, so it costs O(q),
 * not O(m), and it is cached until a register changes. Two operations leave it stale instead, to be rebuilt in one
 * pass the first time something needs it (an update, an estimate, a bound): a merge of two dense sketches of the same
 * precision that changes a register, and reading dense bytes. Both are on the path of every flush of sketches into
 * keyed state (read, merge, write), where nothing asks for an estimate; DataSketches' union defers the same way.
 *
 * <h2>Sparse and dense representations</h2>
 *
 * A new sketch is sparse: an open-addressing hash set of ints {@code index << 6 | rank} at the higher sparse
 * precision {@code p' = 25} (as in HLL++), keeping the largest rank per 25-bit index. While sparse, the estimate is
 * linear counting over {@code 2^25} buckets, {@code −2^25·ln(1 − entries/2^25)}, which is exact in practice for
 * small cardinalities (a collision among 1000 items has probability 1.5%), as is HIP. The sketch turns dense once it has more
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
 * <h2>Binary format, version 2</h2>
 *
 * Inside the {@link SketchFormat} envelope (family {@link SketchFamily#HYPERLOGLOG}); little-endian:
 *
 * <pre>
 * offset  size    field
 * 0       4       envelope header (format version 2)
 * 4       1       precision p, in [4, 18]
 * 5       1       representation: 0 = sparse, 1 = dense
 * 6       1       sparse precision p' of the sparse entries, 25 (the only one this version writes and reads)
 * 7       8       seed
 * 15      1       HIP state: 1 = valid (built by updates only), 0 = none (merged)
 * 16      8       HIP estimate, an IEEE 754 double: 0 without HIP state; with it, finite, 0 if the sketch is empty, else
 *                 at least the number of sparse entries (dense: non-zero registers), one per state change of weight ≥ 1
 * sparse:
 * 24      4       entry count c, in [0, 3m/32]
 * 28      4·c     entries {@code index << 6 | rank}, index &lt; 2^p' strictly ascending, rank in [1, 65 − p']
 * dense:
 * 24      3m/4    registers, packed as in memory; each in [0, 65 − p]
 * end     4       CRC-32C trailer
 * </pre>
 *
 * <p><b>Why version 2:</b> version 1 did not record the sparse precision p', which the entries' meaning depends on.
 * Two sparse sketches merge entry by entry only if their p' is the same, and folding to the register precision (when a
 * sketch turns dense, or in a merge) needs it; a version-1 reader could only assume its own constant. Version 2
 * stores it, so bytes from a writer with another p' are refused with a clear error instead of being misread
 * silently, and other readers (a state inspection, another language) can decode the entries without this class.
 *
 * <p><b>Version 1</b> is version 2 without the byte at offset 6 (the seed is at offset 6, everything after it one
 * byte earlier), with p' = 25 implied. {@link #fromBytes} reads both; {@link #toBytes} always writes version 2, so a
 * version-1 sketch restored from a savepoint is rewritten as version 2 by the next checkpoint.
 *
 * <p>The HIP change probability is not stored: it is a function of the registers.
 *
 * <p>{@code HyperLogLogFormat} writes and reads this format. Reading checks every field above; the dense registers
 * with one OR per 8 bytes for any register of 32 or more, and the exact check only if there is one (see there).
 *
 * <h2>Bounds</h2>
 *
 * {@link #lowerBound} and {@link #upperBound} with {@code numStdDev = z} are one-sided confidence bounds at the level
 * a normal distribution gives z standard deviations (z = 3: each side fails with probability 0.13%), in each mode:
 *
 * <ul>
 *   <li><b>Sparse</b>: the c entries are the distinct 25-bit indexes (coupons) seen, so at least c distinct items
 *       were; the only error is items that fell on an index already taken, whose number L, given n items, is close
 *       to Poisson with mean {@code n − M(1 − (1 − 1/M)^n)}, {@code M = 2^25} (about {@code n²/2^26}: 0.002 at n =
 *       384). The bounds are the smallest and largest n for which c entries are not in the tail of that
 *       distribution: for the sketches of p = 12 (at most 384 entries) the lower bound is c and the upper bound c or
 *       c + 1, where the asymptotic ±3σ was ±5%.
 *   <li><b>Dense</b>: with RSE σ ({@link #relativeStandardError()}), {@code estimate / (1 + zσ)} and {@code
 *       estimate / (1 − zσ)} (the estimate is about {@code n·(1 + σ·Z)}; DataSketches' HllSketch bounds take this
 *       form), the lower one never below the number of non-empty registers. σ is the asymptotic RSE; just after
 *       the switch from sparse the real error is smaller, so the bounds are conservative there.
 * </ul>
 *
 * Both bounds also bracket {@link #estimate()}. {@code HyperLogLogBoundsTest} checks their coverage in every mode.
 *
 * <p>Not thread-safe.
 */
public final class HyperLogLog {
  public static final int MIN_PRECISION = 4;
  public static final int MAX_PRECISION = 18;
  /** The seed when none is given. */
  public static final long DEFAULT_SEED = 9001L;

  /** The largest serialized sketch: dense at {@link #MAX_PRECISION} (a sparse one is at most half that). */
  public static final int MAX_SERIALIZED_BYTES = HyperLogLogFormat.MAX_SERIALIZED_BYTES;
  static final int SPARSE_PRECISION = 25;
  private static final double SPARSE_BUCKETS = 1 << SPARSE_PRECISION;
  static final int SPARSE_MAX_RANK = 64 - SPARSE_PRECISION + 1;
  /** The rank bits at the sparse precision (its q). */
  private static final int SPARSE_RANK_BITS = 64 - SPARSE_PRECISION;
  /** Ranks below this go to {@link #changeWeightHigh}, the others to {@link #changeWeightLow}. */
  private static final int CHANGE_WEIGHT_SPLIT_RANK = 32;
  private static final int MIN_SPARSE_CAPACITY = 16;
  private static final double ALPHA_INFINITY = 1 / (2 * Math.log(2));
  private static final double REGISTER_RSE_FACTOR = 1.04;
  private static final double HIP_RSE_FACTOR = Math.sqrt(Math.log(2));

  /*
   * Eight packed registers are exactly six bytes, so the dense merge and the check of read registers take them as the
   * low 48 bits of a little-endian long, and work on all eight 6-bit fields at once (SIMD within a register).
   */
  static final VarHandle LONG_LITTLE_ENDIAN =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle INT_LITTLE_ENDIAN =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle SHORT_LITTLE_ENDIAN =
      MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
  static final int GROUP_BYTES = 6;
  static final long GROUP_MASK = (1L << 48) - 1;
  /** Bit 0 of each of the eight 6-bit fields. */
  static final long FIELD_LOW_BITS = 0x041041041041L;
  /** Bit 5, the top bit, of each field. */
  private static final long FIELD_HIGH_BITS = FIELD_LOW_BITS << 5;
  /** Bits 0 to 4 of each field. */
  private static final long FIELD_LOW_FIVE_BITS = FIELD_LOW_BITS * 31;

  private final long seed;
  private int precision;
  /** Sparse mode: open-addressing set of {@code index << 6 | rank}, 0 = empty slot; null when dense. */
  private int[] sparse;
  private int sparseSize;
  /** Dense mode: packed 6-bit registers; null when sparse. */
  private byte[] dense;
  /**
   * Dense mode: {@code histogram[r]} = number of registers holding r, for r in [0, 65 − p]; null while sparse, and
   * while {@link #histogramStale} after dense bytes were read.
   */
  private int[] histogram;
  /**
   * Dense mode: the smallest register value, the lowest r with {@code histogram[r] > 0}. An item whose rank is not
   * above it cannot change any register, which is most items once the sketch has filled: those updates skip reading
   * the packed register. Derived state, ignored by equals.
   */
  private int minDenseRegister;
  /** Dense mode: the register estimate, or NaN after a register changed; derived state, ignored by equals. */
  private double cachedEstimate = Double.NaN;
  /**
   * Dense mode: whether {@link #histogram}, {@link #minDenseRegister} and, with HIP state, the change weights are out of
   * date with the registers, to be rebuilt by {@link #rebuildHistogram} before use (see "Estimators" above).
   */
  private boolean histogramStale;
  /** Whether the sketch has only been updated, so that {@link #hipEstimate} is valid. */
  private boolean hipValid = true;
  /** The HIP estimate; 0 when not {@link #hipValid}. */
  private double hipEstimate;
  /**
   * While {@link #hipValid}: {@code Σ_j P(rank > R_j)} over the registers (sparse: the 2^25 buckets), which is
   * {@code changeWeightHigh·2^−32 + changeWeightLow·2^−q}: ranks {@code r < 32} add {@code 2^(32 − r)} to the high
   * sum (at most 2^25·2^32), ranks in [32, q] add {@code 2^(q − r)} to the low one (at most 2^(p + q − 32) = 2^32),
   * so both are exact longs. Derived from the registers; stale, and unused, without HIP state.
   */
  private long changeWeightHigh;
  private long changeWeightLow;

  private HyperLogLog(int precision, long seed) {
    this(precision, seed, new int[Math.min(MIN_SPARSE_CAPACITY, maxSparseCapacity(precision))]);
  }

  private HyperLogLog(int precision, long seed, int[] sparse) {
    this.precision = precision;
    this.seed = seed;
    this.sparse = sparse;
    this.changeWeightHigh = highChangeWeight(0) << SPARSE_PRECISION;
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

  static <E extends RuntimeException> void checkPrecision(
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
      if (histogramStale) {
        rebuildHistogram();
      }
      // The sentinel bit caps the leading-zero count at q, so the rank is at most q + 1.
      int rank = Long.numberOfLeadingZeros((hash << precision) | (1L << (precision - 1))) + 1;
      if (rank <= minDenseRegister) {
        return;
      }
      int old = raiseDense((int) (hash >>> (64 - precision)), rank);
      if (rank > old && hipValid) {
        countHipChange(old, rank, 64 - precision);
      }
    } else {
      int rank = Long.numberOfLeadingZeros((hash << SPARSE_PRECISION) | (1L << (SPARSE_PRECISION - 1))) + 1;
      int old = addSparse((int) (hash >>> (64 - SPARSE_PRECISION)), rank);
      if (rank > old && hipValid) {
        // The sparse state changed, even if this entry turned the sketch dense: P is that of the sparse state.
        countHipChange(old, rank, SPARSE_RANK_BITS);
        if (dense != null) {
          resetChangeWeights();
        }
      }
    }
  }

  /**
   * Adds {@code 1/P} to the HIP estimate for a state change from {@code oldRank} to {@code newRank} in a register (or
   * sparse bucket) with {@code rankBits} rank bits, P being computed from the change weights before the change.
   */
  private void countHipChange(int oldRank, int newRank, int rankBits) {
    double weight = Math.scalb((double) changeWeightHigh, -CHANGE_WEIGHT_SPLIT_RANK)
        + Math.scalb((double) changeWeightLow, -rankBits);
    // P = weight / buckets, and there are 2^(64 − rankBits) buckets.
    hipEstimate += Math.scalb(1.0, 64 - rankBits) / weight;
    changeWeightHigh += highChangeWeight(newRank) - highChangeWeight(oldRank);
    changeWeightLow += lowChangeWeight(newRank, rankBits) - lowChangeWeight(oldRank, rankBits);
  }

  /** A register's share of {@link #changeWeightHigh}: {@code 2^(32 − rank)} if {@code rank < 32}. */
  private static long highChangeWeight(int rank) {
    return rank < CHANGE_WEIGHT_SPLIT_RANK ? 1L << (CHANGE_WEIGHT_SPLIT_RANK - rank) : 0;
  }

  /** A register's share of {@link #changeWeightLow}: {@code 2^(q − rank)} if {@code 32 ≤ rank ≤ q}, 0 at the cap. */
  private static long lowChangeWeight(int rank, int rankBits) {
    return rank >= CHANGE_WEIGHT_SPLIT_RANK && rank <= rankBits ? 1L << (rankBits - rank) : 0;
  }

  /** Recomputes the change weights from the registers (the sparse entries while sparse). */
  private void resetChangeWeights() {
    long high = 0;
    long low = 0;
    if (dense != null) {
      int rankBits = 64 - precision;
      for (int rank = 0; rank < histogram.length; rank++) {
        high += histogram[rank] * highChangeWeight(rank);
        low += histogram[rank] * lowChangeWeight(rank, rankBits);
      }
    } else {
      high = highChangeWeight(0) * ((1L << SPARSE_PRECISION) - sparseSize);
      for (int entry : sparse) {
        if (entry != 0) {
          high += highChangeWeight(entry & 0x3f);
          low += lowChangeWeight(entry & 0x3f, SPARSE_RANK_BITS);
        }
      }
    }
    changeWeightHigh = high;
    changeWeightLow = low;
  }

  /** Drops the HIP state: the sketch is no longer the product of one stream of updates. */
  private void invalidateHip() {
    hipValid = false;
    hipEstimate = 0;
  }

  /** Raises register {@code index} to {@code rank} if that is larger; returns the register's previous value. */
  private int raiseDense(int index, int rank) {
    int old = raiseRegister(dense, index, rank);
    if (rank > old) {
      histogram[old]--;
      histogram[rank]++;
      if (old == minDenseRegister && histogram[old] == 0) {
        raiseMinDenseRegister();
      }
      cachedEstimate = Double.NaN;
    }
    return old;
  }

  /** Raises packed register {@code index} to {@code rank} if that is larger; returns its previous value. */
  private static int raiseRegister(byte[] registers, int index, int rank) {
    int at = 3 * (index >>> 2);
    int shift = 6 * (index & 3);
    int word = (registers[at] & 0xff) | (registers[at + 1] & 0xff) << 8 | (registers[at + 2] & 0xff) << 16;
    int old = (word >>> shift) & 0x3f;
    if (rank > old) {
      word = (word & ~(0x3f << shift)) | rank << shift;
      registers[at] = (byte) word;
      registers[at + 1] = (byte) (word >>> 8);
      registers[at + 2] = (byte) (word >>> 16);
    }
    return old;
  }

  static int register(byte[] registers, int index) {
    int at = 3 * (index >>> 2);
    int word = (registers[at] & 0xff) | (registers[at + 1] & 0xff) << 8 | (registers[at + 2] & 0xff) << 16;
    return (word >>> (6 * (index & 3))) & 0x3f;
  }

  /**
   * Adds an entry to this sparse sketch, turning it dense if it is one entry too many; returns the entry's previous
   * rank, 0 if it is new.
   */
  private int addSparse(int index, int rank) {
    int[] table = sparse;
    int mask = table.length - 1;
    for (int slot = homeSlot(index, table.length); ; slot = (slot + 1) & mask) {
      int entry = table[slot];
      if (entry == 0) {
        if (sparseSize + 1 > maxSparseEntries(precision)) {
          convertToDense();
          raiseDenseFolded(index, SPARSE_PRECISION, rank);
        } else if (4 * (sparseSize + 1) > 3 * table.length) {
          rehashSparse(2 * table.length);
          return addSparse(index, rank);
        } else {
          table[slot] = index << 6 | rank;
          sparseSize++;
        }
        return 0;
      }
      if (entry >>> 6 == index) {
        int old = entry & 0x3f;
        if (rank > old) {
          table[slot] = index << 6 | rank;
        }
        return old;
      }
    }
  }

  private void rehashSparse(int capacity) {
    int[] old = sparse;
    int[] table = new int[capacity];
    int mask = capacity - 1;
    for (int entry : old) {
      if (entry != 0) {
        int slot = homeSlot(entry >>> 6, capacity);
        while (table[slot] != 0) {
          slot = (slot + 1) & mask;
        }
        table[slot] = entry;
      }
    }
    sparse = table;
  }

  /**
   * The slot where a sparse index's probe starts: its high bits. The index is made of hash bits, so they spread evenly
   * over the slots; and being monotone in the index, the table holds its entries in index order but for the short
   * runs that probing displaces, which makes sorting them for {@link #toBytes()} one cheap pass.
   */
  private static int homeSlot(int index, int capacity) {
    return index >>> (SPARSE_PRECISION - Integer.numberOfTrailingZeros(capacity));
  }

  /** The smallest power-of-two table, at least 16 slots, that holds {@code entries} at load factor 3/4. */
  static int sparseCapacityFor(int entries, int precision) {
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
    minDenseRegister = 0;
    cachedEstimate = Double.NaN;
    histogramStale = false;
  }

  /**
   * The estimated number of distinct items: the HIP estimate if the sketch has only been updated (more accurate, but
   * dependent on the order of the updates), else the {@link #registerEstimate()}.
   */
  public double estimate() {
    return hipValid ? hipEstimate : registerEstimate();
  }

  /**
   * The estimate from the registers alone, a function of the set of items and not of their order: linear counting on
   * the 2^25 sparse buckets while sparse, Ertl's improved estimator once dense.
   */
  public double registerEstimate() {
    if (dense == null) {
      return sparseSize == 0 ? 0 : -SPARSE_BUCKETS * Math.log1p(-sparseSize / SPARSE_BUCKETS);
    }
    if (Double.isNaN(cachedEstimate)) {
      ensureHistogram();
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

  /**
   * The asymptotic relative standard error of {@link #estimate()}: about {@code √(ln 2)/√m ≈ 0.833/√m} with HIP
   * state, {@code 1.04/√m} (that of the register estimate) without.
   */
  public double relativeStandardError() {
    return (hipValid ? HIP_RSE_FACTOR : REGISTER_RSE_FACTOR) / Math.sqrt(1 << precision);
  }

  /**
   * A lower confidence bound on the number of distinct items, at the one-sided level of {@code numStdDev} standard
   * deviations of a normal distribution (3: 99.87%); never below the number of sparse entries (non-empty registers
   * when dense), each of which needs a distinct item, nor above {@link #estimate()}. See "Bounds" in the class
   * documentation.
   */
  public double lowerBound(double numStdDev) {
    checkStdDev(numStdDev);
    double bound =
        dense == null
            ? sparseLowerBound(sparseSize, upperTail(numStdDev))
            : estimate() / (1 + numStdDev * relativeStandardError());
    return Math.min(estimate(), Math.max(occupied(), bound));
  }

  /** The number of sparse entries, or non-zero dense registers. */
  private int occupied() {
    if (dense == null) {
      return sparseSize;
    }
    ensureHistogram();
    return (1 << precision) - histogram[0];
  }

  /**
   * An upper confidence bound on the number of distinct items, at the one-sided level of {@code numStdDev} standard
   * deviations of a normal distribution (3: 99.87%); never below {@link #estimate()}. See "Bounds" in the class
   * documentation.
   */
  public double upperBound(double numStdDev) {
    checkStdDev(numStdDev);
    double bound =
        dense == null
            ? sparseUpperBound(sparseSize, upperTail(numStdDev))
            : estimate() / (1 - numStdDev * relativeStandardError());
    return Math.max(estimate(), bound);
  }

  /**
   * The smallest n whose expected sparse collisions could leave as few as {@code entries} entries: n − entries lost
   * items are at least as likely as {@code tail}. Entries lost to collisions are Poisson with the mean of {@link
   * #expectedCollisions}.
   */
  static double sparseLowerBound(int entries, double tail) {
    long n = entries;
    while (poissonAtMost(n - entries, expectedCollisions(n)) < tail) {
      n++;
    }
    return n;
  }

  /** The largest n that could leave as many as {@code entries} entries: n − entries lost items are that likely. */
  static double sparseUpperBound(int entries, double tail) {
    long n = entries;
    while (1 - poissonAtMost(n - entries, expectedCollisions(n + 1)) >= tail) {
      n++;
    }
    return n;
  }

  /**
   * The expected number of items lost to collisions among n distinct items in the 2^25 sparse buckets: n minus the
   * expected number of occupied buckets, {@code M·(1 − (1 − 1/M)^n)}.
   */
  private static double expectedCollisions(long n) {
    return n + SPARSE_BUCKETS * Math.expm1(n * Math.log1p(-1 / SPARSE_BUCKETS));
  }

  /** P(X ≤ k) for X ~ Poisson(mean). */
  private static double poissonAtMost(long k, double mean) {
    double term = Math.exp(-mean);
    double sum = term;
    for (long i = 1; i <= k && term > 0; i++) {
      term *= mean / i;
      sum += term;
    }
    return Math.min(1, sum);
  }

  /**
   * P(Z > z) for a standard normal Z, from Abramowitz and Stegun's 7.1.26 approximation of erfc (absolute error
   * below 1.5·10^-7, so relative error below 10^-4 for z ≤ 3).
   */
  static double upperTail(double z) {
    double x = z / Math.sqrt(2);
    double t = 1 / (1 + 0.3275911 * x);
    double poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
    return 0.5 * poly * Math.exp(-x * x);
  }

  private static void checkStdDev(double numStdDev) {
    if (!(numStdDev > 0 && numStdDev <= 3)) {
      throw new IllegalArgumentException("numStdDev must be in (0, 3]: " + numStdDev);
    }
  }

  /**
   * Adds {@code other}'s items to this sketch. If the precisions differ, this sketch takes the smaller one, folding
   * its own registers if needed; the result then has the registers of the sketch, at that precision, of both
   * streams. The HIP state is dropped (merging a sketch into itself changes nothing), so {@link #estimate()} is the
   * register estimate from then on.
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
    invalidateHip();
    if (dense != null && other.dense != null && precision == other.precision) {
      maxDense(other.dense);
      return;
    }
    if (histogramStale && other.dense == null && other.precision >= precision) {
      // A few sparse entries into registers just read from state (a flush of partials): the registers only, so the
      // histogram stays stale rather than being recounted for them.
      int d = SPARSE_PRECISION - precision;
      for (int entry : other.sparse) {
        if (entry != 0) {
          int index = entry >>> 6;
          raiseRegister(dense, index >>> d, foldedRank(index & ((1 << d) - 1), d, entry & 0x3f));
        }
      }
      return;
    }
    ensureHistogram();
    reducePrecision(Math.min(precision, other.precision));
    if (other.dense == null) {
      for (int entry : other.sparse) {
        if (entry == 0) {
          continue;
        }
        // Adding an entry may turn this sketch dense part-way.
        if (dense == null) {
          addSparse(entry >>> 6, entry & 0x3f);
        } else {
          raiseDenseFolded(entry >>> 6, SPARSE_PRECISION, entry & 0x3f);
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

  /**
   * Register-wise max with same-precision registers, eight at a time (see {@link #LONG_LITTLE_ENDIAN}). The histogram
   * is left stale if a register changed: counting the changes here would cost a branch per register.
   */
  private void maxDense(byte[] registers) {
    byte[] mine = dense;
    int last = mine.length - GROUP_BYTES;
    long changed = 0;
    for (int at = 0; at < last; at += GROUP_BYTES) {
      long ours = (long) LONG_LITTLE_ENDIAN.get(mine, at) & GROUP_MASK;
      long merged = maxFields(ours, (long) LONG_LITTLE_ENDIAN.get(registers, at) & GROUP_MASK);
      changed |= merged ^ ours;
      storeGroup(mine, at, merged);
    }
    // The last group is the top six bytes of the array's last eight (an array has at least two groups).
    long ours = (long) LONG_LITTLE_ENDIAN.get(mine, last - 2) >>> 16;
    long merged = maxFields(ours, (long) LONG_LITTLE_ENDIAN.get(registers, last - 2) >>> 16);
    changed |= merged ^ ours;
    storeGroup(mine, last, merged);
    if (changed != 0) {
      markHistogramStale();
    }
  }

  /**
   * Writes a group's six bytes as an int and a short: a long store would overlap the next group's load, which then
   * waits for the store instead of being forwarded from it.
   */
  private static void storeGroup(byte[] registers, int at, long group) {
    INT_LITTLE_ENDIAN.set(registers, at, (int) group);
    SHORT_LITTLE_ENDIAN.set(registers, at + 4, (short) (group >>> 32));
  }

  /** The field-wise maximum of two groups of eight 6-bit fields. */
  static long maxFields(long a, long b) {
    long aAtLeastB = fieldsAtLeast(a, b);
    // Spread each field's flag (its top bit) over the field's six bits.
    long takeA = (aAtLeastB >>> 5) * 0x3f;
    return (a & takeA) | (b & ~takeA);
  }

  /**
   * The top bit of each 6-bit field set where {@code a}'s field is at least {@code b}'s (unsigned), else clear. The
   * low five bits are compared by a subtraction that cannot borrow across fields ({@code 32 + a − b ≥ 1}), whose top
   * bit is the result where the top bits of a and b agree; where they differ, a's top bit is.
   */
  static long fieldsAtLeast(long a, long b) {
    long lowAtLeast = (a | FIELD_HIGH_BITS) - (b & FIELD_LOW_FIVE_BITS);
    return ((a & ~b) | (~(a ^ b) & lowAtLeast)) & FIELD_HIGH_BITS;
  }

  /** The number of non-zero fields among eight 6-bit fields. */
  static int nonZeroFields(long group) {
    // A field's low five bits plus 31 reach its top bit unless they are all 0; no carry leaves a field.
    return Long.bitCount((((group & FIELD_LOW_FIVE_BITS) + FIELD_LOW_FIVE_BITS) | group) & FIELD_HIGH_BITS);
  }

  /**
   * The top bit of each 6-bit field set where the field exceeds {@code maxRank}, given {@code headroom}, the broadcast
   * {@code 63 − maxRank}, which must be below 32: a field exceeds it exactly when its top bit is set and its low five
   * bits plus the headroom carry into the top bit (no sum leaves its field: 31 + 31 < 64).
   */
  static long fieldsAbove(long group, long headroom) {
    return group & ((group & FIELD_LOW_FIVE_BITS) + headroom) & FIELD_HIGH_BITS;
  }

  private void markHistogramStale() {
    histogramStale = true;
    cachedEstimate = Double.NaN;
  }

  private void ensureHistogram() {
    if (histogramStale) {
      rebuildHistogram();
    }
  }

  /**
   * Recounts the histogram from the registers, with the smallest register and, with HIP state, the change weights;
   * allocates it first for registers just read.
   */
  private void rebuildHistogram() {
    if (histogram == null) {
      histogram = new int[66 - precision];
    }
    // One histogram per position in a three-byte word, so that equal registers in a row do not wait on each other's
    // increment of the same counter.
    int[] counts = new int[4 << 6];
    byte[] registers = dense;
    for (int at = 0; at < registers.length; at += 3) {
      int word = (registers[at] & 0xff) | (registers[at + 1] & 0xff) << 8 | (registers[at + 2] & 0xff) << 16;
      counts[word & 0x3f]++;
      counts[64 | (word >>> 6) & 0x3f]++;
      counts[128 | (word >>> 12) & 0x3f]++;
      counts[192 | word >>> 18]++;
    }
    for (int rank = 0; rank < histogram.length; rank++) {
      histogram[rank] = counts[rank] + counts[64 | rank] + counts[128 | rank] + counts[192 | rank];
    }
    histogramStale = false;
    cachedEstimate = Double.NaN;
    minDenseRegister = 0;
    raiseMinDenseRegister();
    if (hipValid) {
      resetChangeWeights();
    }
  }

  /** Moves {@link #minDenseRegister} up to the lowest value some register holds. */
  private void raiseMinDenseRegister() {
    while (histogram[minDenseRegister] == 0) {
      minDenseRegister++;
    }
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
    return occupied() == 0;
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
    copy.minDenseRegister = minDenseRegister;
    copy.cachedEstimate = cachedEstimate;
    copy.histogramStale = histogramStale;
    copy.hipValid = hipValid;
    copy.hipEstimate = hipEstimate;
    copy.changeWeightHigh = changeWeightHigh;
    copy.changeWeightLow = changeWeightLow;
    return copy;
  }

  /** The serialized size in bytes, envelope included. */
  public int serializedSizeBytes() {
    return SketchFormat.HEADER_BYTES + HyperLogLogFormat.payloadBytes(this) + SketchFormat.TRAILER_BYTES;
  }

  /** Serializes in the format documented on this class. */
  public byte[] toBytes() {
    return HyperLogLogFormat.write(this);
  }

  /** Entries ascending; {@code index << 6 | rank} orders by index since indexes are distinct. */
  int[] sortedSparseEntries() {
    int[] table = sparse;
    int[] entries = new int[sparseSize];
    // From an empty slot (at load factor 3/4 there is one) round the table, so that no probe run wraps around it.
    int start = 0;
    while (table[start] != 0) {
      start++;
    }
    int n = 0;
    for (int i = 1; i <= table.length; i++) {
      int entry = table[(start + i) & (table.length - 1)];
      if (entry != 0) {
        entries[n++] = entry;
      }
    }
    // Insertion sort: each entry is out of place by at most the length of its probe run.
    for (int i = 1; i < n; i++) {
      int entry = entries[i];
      int j = i - 1;
      while (j >= 0 && entries[j] > entry) {
        entries[j + 1] = entries[j];
        j--;
      }
      entries[j + 1] = entry;
    }
    return entries;
  }

  /**
   * Reads a sketch written by {@link #toBytes()}, in format version 2 or 1 (see the class documentation).
   *
   * @throws SketchFormatException if the bytes are truncated, corrupt, of another family or describe an invalid
   *     sketch
   */
  public static HyperLogLog fromBytes(byte[] bytes) {
    return HyperLogLogFormat.read(bytes);
  }

  /** The number of sparse entries; for {@link HyperLogLogFormat}. */
  int sparseSize() {
    return sparseSize;
  }

  /** The packed dense registers themselves, not a copy, or null while sparse; for {@link HyperLogLogFormat}. */
  byte[] denseRegisters() {
    return dense;
  }

  boolean hipValid() {
    return hipValid;
  }

  double hipEstimate() {
    return hipEstimate;
  }

  /** An empty sparse sketch whose table holds {@code entries} without growing; for {@link HyperLogLogFormat}. */
  static HyperLogLog sparseWithCapacity(int precision, long seed, int entries) {
    HyperLogLog sketch = new HyperLogLog(precision, seed);
    sketch.rehashSparse(sparseCapacityFor(entries, precision));
    return sketch;
  }

  /** Adds a sparse entry read from bytes; for {@link HyperLogLogFormat}. */
  void addSparseEntry(int index, int rank) {
    addSparse(index, rank);
  }

  /**
   * A dense sketch that takes {@code registers} (checked, packed) as its own; its histogram is left to be counted
   * when first needed (see "Estimators" above). For {@link HyperLogLogFormat}.
   */
  static HyperLogLog ofDenseRegisters(int precision, long seed, byte[] registers) {
    HyperLogLog sketch = new HyperLogLog(precision, seed, null);
    sketch.dense = registers;
    sketch.markHistogramStale();
    return sketch;
  }

  /**
   * Sets the HIP state read with this sketch's registers, already checked against them, and recomputes the change
   * weights (dense: when the histogram is rebuilt). For {@link HyperLogLogFormat}.
   */
  void restoreHipState(boolean valid, double estimate) {
    if (!valid) {
      invalidateHip();
      return;
    }
    hipEstimate = estimate;
    if (dense == null) {
      resetChangeWeights();
    }
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
    if (precision != that.precision || seed != that.seed || isSparse() != that.isSparse() || hipValid != that.hipValid
        || Double.compare(hipEstimate, that.hipEstimate) != 0) {
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
    int hip = 31 * Boolean.hashCode(hipValid) + Double.hashCode(hipEstimate);
    return 31 * (31 * (31 * precision + Long.hashCode(seed)) + hip) + content;
  }

  @Override
  public String toString() {
    return "HyperLogLog{precision=" + precision + ", seed=" + seed + ", " + (isSparse() ? "sparse" : "dense")
        + ", estimate=" + estimate() + "}";
  }
}
