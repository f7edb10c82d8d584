package io.streamsketch.flink.aggregate;

import io.streamsketch.sketch.quantiles.KllSketch;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import org.apache.flink.api.common.accumulators.Accumulator;

/**
 * A Flink accumulator of a {@link KllSketch}: the quantiles of a value over a whole run, merged over subtasks by the
 * JobManager, for the summary of a finished job. Its local value is the sketch's bytes ({@link KllSketch#toBytes}),
 * read back with {@link KllSketch#fromBytes}. Like every accumulator it is not checkpointed: after a restore it covers
 * the values since the restore.
 */
public final class KllAccumulator implements Accumulator<Double, byte[]> {
  private static final long serialVersionUID = 1L;

  private final int k;
  private final long seed;
  private transient KllSketch sketch;

  /** An empty accumulator; accumulators that merge should have different seeds (independent compaction coins). */
  public KllAccumulator(int k, long seed) {
    this.k = k;
    this.seed = seed;
    this.sketch = KllSketch.create(k, seed);
  }

  @Override
  public void add(Double value) {
    sketch.update(value);
  }

  @Override
  public byte[] getLocalValue() {
    return sketch.toBytes();
  }

  @Override
  public void resetLocal() {
    sketch = KllSketch.create(k, seed);
  }

  @Override
  public void merge(Accumulator<Double, byte[]> other) {
    sketch.merge(KllSketch.fromBytes(other.getLocalValue()));
  }

  @Override
  public KllAccumulator clone() {
    KllAccumulator copy = new KllAccumulator(k, seed);
    copy.sketch = sketch.copy();
    return copy;
  }

  private void writeObject(ObjectOutputStream out) throws IOException {
    out.defaultWriteObject();
    out.writeObject(sketch.toBytes());
  }

  private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
    in.defaultReadObject();
    sketch = KllSketch.fromBytes((byte[]) in.readObject());
  }
}
