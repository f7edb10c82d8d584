package io.streamsketch.jobs.verify;

import io.streamsketch.model.ClickEvent;
import org.apache.datasketches.common.ArrayOfStringsSerDe;
import org.apache.datasketches.frequencies.ItemsSketch;
import org.apache.datasketches.memory.Memory;

/** top-pages' check: the exact views per page and a DataSketches frequent-items sketch of pages. */
public final class PageViewsCheck extends CheckAggregate {
  private static final long serialVersionUID = 1L;
  private static final ArrayOfStringsSerDe SERDE = new ArrayOfStringsSerDe();

  private final int maxMapSize;

  /** @param maxMapSize the frequent-items sketch's map size, a power of 2 */
  public PageViewsCheck(int maxMapSize) {
    this.maxMapSize = maxMapSize;
  }

  /**
   * The largest power of 2 at most {@code counters}, at least 8: a frequent-items map with as many (item, counter)
   * slots as a Count-Min sketch has counters, for comparable memory.
   */
  public static int mapSizeFor(long counters) {
    return (int) Math.max(8, Long.highestOneBit(Math.min(counters, 1L << 30)));
  }

  @Override
  protected String exactKey(ClickEvent event) {
    return event.pageId;
  }

  @Override
  protected byte[] update(byte[] sketch, ClickEvent event) {
    ItemsSketch<String> items = sketch == null ? new ItemsSketch<>(maxMapSize) : heapify(sketch);
    items.update(event.pageId);
    return items.toByteArray(SERDE);
  }

  @Override
  protected byte[] merge(byte[] a, byte[] b) {
    return heapify(a).merge(heapify(b)).toByteArray(SERDE);
  }

  /** The frequency estimate of {@code page} in a check's sketch; 0 when empty. */
  static long estimate(WindowCheck check, String page) {
    return check.datasketches == null ? 0 : heapify(check.datasketches).getEstimate(page);
  }

  private static ItemsSketch<String> heapify(byte[] sketch) {
    return ItemsSketch.getInstance(Memory.wrap(sketch), SERDE);
  }
}
