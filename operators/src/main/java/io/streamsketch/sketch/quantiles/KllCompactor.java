package io.streamsketch.sketch.quantiles;

import java.util.Arrays;

/**
 * The compactions of a {@link KllSketch}. Compacting a level sorts it, leaves one item behind if it holds an odd
 * number, and of the others, taken in pairs of neighbours, keeps either every first or every second item (a fair
 * coin, one per compaction) at twice the weight in the level above. Each rank changes by at most the level's weight
 * per compaction and by zero in expectation, which is the sketch's error.
 *
 * <p>Compaction is lazy, as in DataSketches: an update compacts only when the sketch holds as many items as all its
 * capacities together, and then only the lowest level that is at or over its own capacity, so lower levels fill up
 * and compact rarely. Compacting the top level adds a level, which shrinks the capacities below it.
 */
final class KllCompactor {
  private KllCompactor() {}

  /** Makes room for one more item: compacts one level if the sketch is at its total capacity. */
  static void makeRoomForOne(KllLevels levels, CompactionRandom coin) {
    if (levels.retained >= levels.totalCapacity()) {
      compact(levels, lowestFullLevel(levels), coin);
    }
  }

  /** Compacts levels, lowest full one first, until the sketch is within its total capacity (after a merge). */
  static void compactToCapacity(KllLevels levels, CompactionRandom coin) {
    while (levels.retained > levels.totalCapacity()) {
      compact(levels, lowestFullLevel(levels), coin);
    }
  }

  /** The lowest level at or over its capacity; one exists whenever the sketch is at its total capacity. */
  private static int lowestFullLevel(KllLevels levels) {
    for (int level = 0; level < levels.numLevels; level++) {
      if (levels.sizes[level] >= levels.capacity(level)) {
        return level;
      }
    }
    throw new IllegalStateException("no level is full although the sketch is at its capacity");
  }

  /** Halves {@code level} into the level above it (adding that level if needed). */
  static void compact(KllLevels levels, int level, CompactionRandom coin) {
    if (level == levels.numLevels - 1) {
      levels.addLevel();
    }
    double[] items = levels.items[level];
    int size = levels.sizes[level];
    if (level == 0) {
      // Level 0 is in arrival order; once compacted, it holds at most the one item left behind.
      Arrays.sort(items, 0, size);
    }
    // An odd level keeps its smallest item: it stays, at its weight, and the pairs are the items above it.
    int kept = size & 1;
    int pairs = (size - kept) / 2;
    int first = kept + (coin.nextBoolean() ? 1 : 0);
    // In place: the i-th promoted item moves from first + 2i down to kept + i.
    for (int i = 0; i < pairs; i++) {
      items[kept + i] = items[first + 2 * i];
    }
    levels.sizes[level] = kept;
    levels.retained -= size - kept;
    levels.mergeIntoSortedLevel(level + 1, items, kept, pairs);
    if (items.length > 4 * KllParameters.MIN_LEVEL_WIDTH && items.length > 2 * levels.capacity(level)) {
      // A level emptied after a merge overfilled it need not keep the merge's large array.
      levels.items[level] = Arrays.copyOf(items, levels.capacity(level));
    }
  }
}
