package io.streamsketch.sketch.bloom;

/**
 * Membership over a sliding set of recent distinct items: two generations of {@link BloomFilter}, so the filter
 * never saturates.
 *
 * <p>Every item is added to the current generation. When the current generation has taken {@code capacity} items
 * that were certainly new to it, it becomes the previous generation (the old previous one is dropped) and an empty
 * current generation starts. A query checks both generations, so an item is remembered for at least {@code
 * capacity} and at most {@code 2·capacity} certainly-new insertions after its last occurrence; an item that occurs
 * again while remembered is re-added to the current generation, so regular items stay remembered. Each generation
 * holds at most {@code capacity} items, so its false-positive rate stays at most about the design rate {@code p},
 * and a combined answer's at most about {@code 1 − (1 − p)²}.
 *
 * <p>Not thread-safe.
 */
public final class RotatingBloomFilter {
  private final long capacity;
  private final long numBits;
  private final int numHashes;
  private final long seed;

  private BloomFilter current;
  private BloomFilter previous;
  private long currentInsertions;
  private long changeCount;

  // The false-positive rates come from the fills, and counting the bits set is linear in the size: the current
  // generation's is recounted only after it changed, the frozen previous generation's once.
  private double currentFalsePositiveRate = Double.NaN;
  private double previousFalsePositiveRate;

  private RotatingBloomFilter(
      long capacity, long numBits, int numHashes, long seed, BloomFilter current, BloomFilter previous,
      long currentInsertions) {
    this.capacity = capacity;
    this.numBits = numBits;
    this.numHashes = numHashes;
    this.seed = seed;
    this.current = current;
    this.previous = previous;
    this.currentInsertions = currentInsertions;
    this.previousFalsePositiveRate = previous == null ? 0 : previous.expectedFalsePositiveRate();
  }

  /**
   * An empty filter whose generations each hold {@code capacity} distinct items at {@code falsePositiveRate}.
   *
   * @throws IllegalArgumentException if {@code capacity < 1} or the rate is not in (0, 1)
   */
  public static RotatingBloomFilter create(long capacity, double falsePositiveRate, long seed) {
    long numBits = BloomFilter.optimalNumBits(capacity, falsePositiveRate);
    int numHashes = BloomFilter.optimalNumHashes(capacity, numBits);
    return new RotatingBloomFilter(
        capacity, numBits, numHashes, seed, BloomFilter.withSize(numBits, numHashes, seed), null, 0);
  }

  /**
   * A filter restored from its parts. The restored generations keep their own sizes; generations started from now on
   * use the sizes of {@code capacity} and {@code falsePositiveRate}, so a changed configuration applies gradually.
   *
   * @param previous the previous generation, or null before the first rotation
   */
  public static RotatingBloomFilter restore(
      long capacity, double falsePositiveRate, long seed, BloomFilter current, BloomFilter previous,
      long currentInsertions) {
    long numBits = BloomFilter.optimalNumBits(capacity, falsePositiveRate);
    int numHashes = BloomFilter.optimalNumHashes(capacity, numBits);
    return new RotatingBloomFilter(capacity, numBits, numHashes, seed, current, previous, currentInsertions);
  }

  /**
   * Records an occurrence of {@code item}; returns true if it probably occurred before and is still remembered,
   * false if it certainly did not occur within the remembered generations.
   */
  public boolean addAndCheck(String item) {
    if (!current.add(item)) {
      return true;
    }
    changeCount++;
    currentFalsePositiveRate = Double.NaN;
    boolean seen = previous != null && previous.mightContain(item);
    if (++currentInsertions >= capacity) {
      rotate();
    }
    return seen;
  }

  private void rotate() {
    previous = current;
    previousFalsePositiveRate = previous.expectedFalsePositiveRate();
    current = BloomFilter.withSize(numBits, numHashes, seed);
    currentFalsePositiveRate = 0;
    currentInsertions = 0;
  }

  /**
   * The probability that {@link #addAndCheck} would now answer true for an item that never occurred: {@code 1 − (1 −
   * fpr_current)(1 − fpr_previous)}, each from its generation's fill.
   */
  public double falsePositiveRate() {
    if (Double.isNaN(currentFalsePositiveRate)) {
      currentFalsePositiveRate = current.expectedFalsePositiveRate();
    }
    // 1 − (1 − a)(1 − b), in the form that keeps tiny rates from rounding to 0.
    return currentFalsePositiveRate + previousFalsePositiveRate - currentFalsePositiveRate * previousFalsePositiveRate;
  }

  /** How many times this object changed since it was created or restored: callers tell from it whether to persist. */
  public long changeCount() {
    return changeCount;
  }

  public BloomFilter current() {
    return current;
  }

  /** The previous generation, or null before the first rotation. */
  public BloomFilter previous() {
    return previous;
  }

  /** How many certainly-new items the current generation took; it rotates at the capacity. */
  public long currentInsertions() {
    return currentInsertions;
  }

  public long capacity() {
    return capacity;
  }
}
