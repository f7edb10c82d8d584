package io.streamsketch.model;

import java.util.Objects;

/**
 * What every streaming learner's result says about the mini-batch behind it. Each batch is its own result, keyed
 * by ({@code model}, {@code batchEnd}).
 */
public abstract class ModelBatch implements Result {
  /** The model's key (the key of the stream it learns from). */
  public String model;
  /** The batch's event-time window, epoch milliseconds, end exclusive. */
  public long batchStart;
  public long batchEnd;
  /** Batches this model has applied, this one included. */
  public long batch;
  /** Points of this batch applied to the model. */
  public long points;
  /** Points of this batch left out because they were invalid (wrong length, not finite). */
  public long rejectedPoints;
  /** Points applied over the model's life. */
  public long totalPoints;

  @Override
  public String key() {
    return model + "@" + batchEnd;
  }

  /** A JSON object started with the batch fields, for the subclass to add its own. */
  protected Json batchFields() {
    return Json.object()
        .field("model", model)
        .field("batchStart", batchStart)
        .field("batchEnd", batchEnd)
        .field("batch", batch)
        .field("points", points)
        .field("rejectedPoints", rejectedPoints)
        .field("totalPoints", totalPoints);
  }

  protected boolean sameBatch(ModelBatch that) {
    return batchStart == that.batchStart
        && batchEnd == that.batchEnd
        && batch == that.batch
        && points == that.points
        && rejectedPoints == that.rejectedPoints
        && totalPoints == that.totalPoints
        && Objects.equals(model, that.model);
  }

  @Override
  public int hashCode() {
    return key().hashCode();
  }

  @Override
  public String toString() {
    return toJson();
  }
}
