package io.streamsketch.jobs.verify;

import io.streamsketch.model.ClickEvent;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;
import org.apache.datasketches.hll.Union;

/** unique-visitors' check: the exact set of users and a DataSketches {@code HllSketch} (HLL_8) with lgK = p. */
public final class DistinctUsersCheck extends CheckAggregate {
  private static final long serialVersionUID = 1L;

  private final int lgK;

  public DistinctUsersCheck(int lgK) {
    this.lgK = lgK;
  }

  @Override
  protected String exactKey(ClickEvent event) {
    return event.userId;
  }

  @Override
  protected byte[] update(byte[] sketch, ClickEvent event) {
    HllSketch hll = sketch == null ? new HllSketch(lgK, TgtHllType.HLL_8) : HllSketch.heapify(sketch);
    hll.update(event.userId);
    return hll.toCompactByteArray();
  }

  /** A DataSketches {@code Union}: how the partials of two subtasks, or the pages of the global key, combine. */
  @Override
  protected byte[] merge(byte[] a, byte[] b) {
    Union union = new Union(lgK);
    union.update(HllSketch.heapify(a));
    union.update(HllSketch.heapify(b));
    return union.getResult(TgtHllType.HLL_8).toCompactByteArray();
  }

  /** The distinct-count estimate of a check's sketch, rounded; 0 when empty. */
  static long estimate(WindowCheck check) {
    return check.datasketches == null ? 0 : Math.round(HllSketch.heapify(check.datasketches).getEstimate());
  }
}
