package io.streamsketch.jobs.verify;

import io.streamsketch.model.ClickEvent;
import org.apache.datasketches.common.ArrayOfLongsSerDe;
import org.apache.datasketches.memory.Memory;
import org.apache.datasketches.sampling.ReservoirItemsSketch;
import org.apache.datasketches.sampling.ReservoirItemsUnion;

/**
 * sample's check: the exact event count of the window and a DataSketches reservoir of k event ids. DataSketches draws
 * from its own unseeded random source, so its sample differs from run to run; only its size and origin are checkable.
 */
public final class SampleCheck extends CheckAggregate {
  private static final long serialVersionUID = 1L;
  private static final ArrayOfLongsSerDe SERDE = new ArrayOfLongsSerDe();

  private final int k;

  public SampleCheck(int k) {
    this.k = k;
  }

  @Override
  protected String exactKey(ClickEvent event) {
    return null;
  }

  @Override
  protected byte[] update(byte[] sketch, ClickEvent event) {
    ReservoirItemsSketch<Long> reservoir =
        sketch == null ? ReservoirItemsSketch.newInstance(k) : ReservoirItemsSketch.heapify(Memory.wrap(sketch), SERDE);
    reservoir.update(event.eventId);
    return reservoir.toByteArray(SERDE);
  }

  /** A DataSketches reservoir union: weights each side by the events it saw, as our merge does. */
  @Override
  protected byte[] merge(byte[] a, byte[] b) {
    ReservoirItemsUnion<Long> union = ReservoirItemsUnion.newInstance(k);
    union.update(Memory.wrap(a), SERDE);
    union.update(Memory.wrap(b), SERDE);
    return union.getResult().toByteArray(SERDE);
  }

  /** The event ids of a check's sample; empty when the window had no events. */
  static long[] sampledEventIds(WindowCheck check) {
    if (check.datasketches == null) {
      return new long[0];
    }
    ReservoirItemsSketch<Long> reservoir = ReservoirItemsSketch.heapify(Memory.wrap(check.datasketches), SERDE);
    Long[] samples = reservoir.getSamples(Long.class);
    long[] ids = new long[samples == null ? 0 : samples.length];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = samples[i];
    }
    return ids;
  }
}
