package io.streamsketch.sketch.quantiles;

/**
 * The merge of two {@link KllSketch}es: level h of the other sketch joins level h of this one (level 0 appended,
 * the sorted levels merged), n, minimum and maximum combine, and the result is compacted, lowest full level first,
 * until it is within its capacity. Every item keeps its weight, so the result is a KLL sketch of both streams, and
 * each compaction in either history and in the merge adds its own zero-mean error: the bound depends on the levels'
 * weights, not on the order of merges.
 *
 * <p>With different k the result takes the smaller, as DataSketches' union does (DataSketches keeps the target's k
 * for the capacities and reports the error of the smaller k; here both are the smaller k, so the result is never
 * larger than the smaller sketch allows).
 */
final class KllMerge {
  private KllMerge() {}

  static void merge(KllLevels target, CompactionRandom coin, KllLevels source, long sourceCoinState) {
    if (source.n == 0) {
      return;
    }
    if (target.n > Long.MAX_VALUE - source.n) {
      throw new IllegalArgumentException("merged item count overflows a long: " + target.n + " + " + source.n);
    }
    target.reduceK(source.k);
    while (target.numLevels < source.numLevels) {
      target.addLevel();
    }
    target.appendToLevelZero(source.items[0], source.sizes[0]);
    for (int level = 1; level < source.numLevels; level++) {
      target.mergeIntoSortedLevel(level, source.items[level], 0, source.sizes[level]);
    }
    if (target.n == 0) {
      target.min = source.min;
      target.max = source.max;
    } else {
      target.min = Math.min(target.min, source.min);
      target.max = Math.max(target.max, source.max);
    }
    target.n += source.n;
    coin.absorb(sourceCoinState);
    KllCompactor.compactToCapacity(target, coin);
  }
}
