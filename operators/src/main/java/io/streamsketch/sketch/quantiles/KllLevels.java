package io.streamsketch.sketch.quantiles;

import java.util.Arrays;

/**
 * The state of a {@link KllSketch}: its k, its levels of retained items, the number of items n it summarizes and
 * their exact minimum and maximum.
 *
 * <p>Level h holds items of weight 2^h. Level 0 is in arrival order; every higher level is sorted ascending (a
 * compaction's output is sorted and is merged into the sorted level above). The weights add up to n exactly, since a
 * compaction replaces 2j items of weight w by j items of weight 2w.
 */
final class KllLevels {
  /** Lowered only through {@link #reduceK}, which keeps the total capacity in step. */
  int k;
  long n;
  double min = Double.NaN;
  double max = Double.NaN;
  /** The levels' items; only the first {@code sizes[h]} of {@code items[h]} are used. */
  double[][] items;
  int[] sizes;
  int numLevels;
  /** The number of retained items: the sum of {@link #sizes}. */
  int retained;
  /** {@link KllParameters#totalCapacity} for k and numLevels, checked on every update, so kept. */
  private int totalCapacity;

  KllLevels(int k) {
    this.k = k;
    this.items = new double[1][];
    this.items[0] = new double[KllParameters.levelCapacity(k, 1, 0)];
    this.sizes = new int[1];
    this.numLevels = 1;
    this.totalCapacity = KllParameters.totalCapacity(k, 1);
  }

  /** Lowers k (a merge with a sketch of smaller k). */
  void reduceK(int smallerK) {
    if (smallerK < k) {
      k = smallerK;
      totalCapacity = KllParameters.totalCapacity(k, numLevels);
    }
  }

  int capacity(int level) {
    return KllParameters.levelCapacity(k, numLevels, level);
  }

  int totalCapacity() {
    return totalCapacity;
  }

  /** Counts one more item of the stream, for n, min and max. */
  void count(double item) {
    n++;
    if (n == 1) {
      min = item;
      max = item;
    } else {
      min = Math.min(min, item);
      max = Math.max(max, item);
    }
  }

  /** Appends an item to level 0. */
  void appendToLevelZero(double item) {
    ensureRoom(0, 1);
    items[0][sizes[0]++] = item;
    retained++;
  }

  /** Appends {@code count} items to level 0, in any order. */
  void appendToLevelZero(double[] from, int count) {
    ensureRoom(0, count);
    System.arraycopy(from, 0, items[0], sizes[0], count);
    sizes[0] += count;
    retained += count;
  }

  /**
   * Merges {@code count} sorted items from {@code from[offset..]} into sorted level {@code level ≥ 1}: in place, from
   * the back, when the level's array has room (the common case on update, so compactions allocate nothing), else
   * into a new array of twice the size needed.
   */
  void mergeIntoSortedLevel(int level, double[] from, int offset, int count) {
    int size = sizes[level];
    double[] target = items[level];
    if (target.length < size + count) {
      target = Arrays.copyOf(target, 2 * (size + count));
      items[level] = target;
    }
    int mine = size - 1;
    int theirs = offset + count - 1;
    for (int out = size + count - 1; theirs >= offset; out--) {
      target[out] = mine >= 0 && target[mine] > from[theirs] ? target[mine--] : from[theirs--];
    }
    sizes[level] = size + count;
    retained += count;
  }

  /** Adds an empty level on top. */
  void addLevel() {
    if (numLevels == KllParameters.MAX_LEVELS) {
      throw new IllegalStateException("a KLL sketch has at most " + KllParameters.MAX_LEVELS + " levels");
    }
    if (numLevels == items.length) {
      items = Arrays.copyOf(items, numLevels + 1);
      sizes = Arrays.copyOf(sizes, numLevels + 1);
    }
    items[numLevels] = new double[KllParameters.MIN_LEVEL_WIDTH];
    sizes[numLevels] = 0;
    numLevels++;
    totalCapacity = KllParameters.totalCapacity(k, numLevels);
  }

  private void ensureRoom(int level, int count) {
    int needed = sizes[level] + count;
    if (needed > items[level].length) {
      items[level] = Arrays.copyOf(items[level], Math.max(needed, 2 * items[level].length));
    }
  }

  /** The items of a level, sorted (a copy for level 0, which is kept in arrival order). */
  double[] sortedLevel(int level) {
    double[] copy = Arrays.copyOf(items[level], sizes[level]);
    if (level == 0) {
      Arrays.sort(copy);
    }
    return copy;
  }

  KllLevels copy() {
    KllLevels copy = new KllLevels(k);
    copy.n = n;
    copy.min = min;
    copy.max = max;
    copy.items = new double[numLevels][];
    for (int level = 0; level < numLevels; level++) {
      copy.items[level] = Arrays.copyOf(items[level], Math.max(sizes[level], 1));
    }
    copy.sizes = Arrays.copyOf(sizes, numLevels);
    copy.numLevels = numLevels;
    copy.retained = retained;
    copy.totalCapacity = totalCapacity;
    return copy;
  }
}
