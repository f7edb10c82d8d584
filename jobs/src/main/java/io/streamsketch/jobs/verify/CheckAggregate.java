package io.streamsketch.jobs.verify;

import io.streamsketch.model.ClickEvent;
import java.util.Map;
import org.apache.flink.api.common.functions.AggregateFunction;

/**
 * The aggregate of a verify window: counts events, keeps the exact counts, and feeds the DataSketches sketch, all in a
 * {@link WindowCheck}. Mergeable, so it runs through the same local-global wiring as the sketch it checks.
 */
public abstract class CheckAggregate implements AggregateFunction<ClickEvent, WindowCheck, WindowCheck> {
  private static final long serialVersionUID = 1L;

  /** The key of the exact counts of an event (its user or its page); null to keep no exact counts. */
  protected abstract String exactKey(ClickEvent event);

  /** The DataSketches sketch {@code sketch} (null: empty) after {@code event}. */
  protected abstract byte[] update(byte[] sketch, ClickEvent event);

  /** The DataSketches merge of two sketches, either of which may be null (empty). */
  protected abstract byte[] merge(byte[] a, byte[] b);

  @Override
  public final WindowCheck createAccumulator() {
    return new WindowCheck();
  }

  @Override
  public final WindowCheck add(ClickEvent event, WindowCheck check) {
    check.events++;
    String key = exactKey(event);
    if (key != null) {
      check.exactCounts.merge(key, 1L, Long::sum);
    }
    check.datasketches = update(check.datasketches, event);
    return check;
  }

  @Override
  public final WindowCheck getResult(WindowCheck check) {
    return check;
  }

  @Override
  public final WindowCheck merge(WindowCheck a, WindowCheck b) {
    a.events += b.events;
    for (Map.Entry<String, Long> count : b.exactCounts.entrySet()) {
      a.exactCounts.merge(count.getKey(), count.getValue(), Long::sum);
    }
    if (a.datasketches == null) {
      a.datasketches = b.datasketches;
    } else if (b.datasketches != null) {
      a.datasketches = merge(a.datasketches, b.datasketches);
    }
    return a;
  }
}
