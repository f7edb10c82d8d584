package io.streamsketch.model;

import java.util.Objects;

/**
 * The answer of {@code first-exposure} for one ad impression: has this user (probably) seen this ad before?
 *
 * <p>{@code seenBefore} is never false for a user the filter still remembers (a Bloom filter has no false
 * negatives); it may be true for a first exposure with probability {@code falsePositiveRate}, stated per record from
 * the fill of the filters at the time of the answer. The two verification fields are null unless the job runs with
 * {@code --verify}, and are then left out of the JSON.
 */
public class AdExposure implements OutputRecord {
  public long eventId;
  public String userId;
  public String adId;
  /** Epoch milliseconds. */
  public long eventTime;

  public boolean seenBefore;
  /** The probability that {@code seenBefore} would be true here for a user who never saw this ad. */
  public double falsePositiveRate;

  /** With {@code --verify}: whether the user saw this ad earlier in the input, exactly. */
  public Boolean exactSeenBefore;
  /** With {@code --verify}: the answer of a DataSketches Bloom filter of the same size and rotation. */
  public Boolean datasketchesSeenBefore;

  public AdExposure() {}

  public AdExposure(
      long eventId, String userId, String adId, long eventTime, boolean seenBefore, double falsePositiveRate) {
    this.eventId = eventId;
    this.userId = userId;
    this.adId = adId;
    this.eventTime = eventTime;
    this.seenBefore = seenBefore;
    this.falsePositiveRate = falsePositiveRate;
  }

  @Override
  public String key() {
    return Long.toString(eventId);
  }

  @Override
  public String toJson() {
    Json json =
        Json.object()
            .field("eventId", eventId)
            .field("userId", userId)
            .field("adId", adId)
            .field("eventTime", eventTime)
            .field("seenBefore", seenBefore)
            .field("falsePositiveRate", falsePositiveRate);
    if (exactSeenBefore != null) {
      json.field("exactSeenBefore", exactSeenBefore.booleanValue());
    }
    if (datasketchesSeenBefore != null) {
      json.field("datasketchesSeenBefore", datasketchesSeenBefore.booleanValue());
    }
    return json.toString();
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof AdExposure)) {
      return false;
    }
    AdExposure that = (AdExposure) o;
    return eventId == that.eventId
        && eventTime == that.eventTime
        && seenBefore == that.seenBefore
        && Double.compare(falsePositiveRate, that.falsePositiveRate) == 0
        && Objects.equals(userId, that.userId)
        && Objects.equals(adId, that.adId)
        && Objects.equals(exactSeenBefore, that.exactSeenBefore)
        && Objects.equals(datasketchesSeenBefore, that.datasketchesSeenBefore);
  }

  @Override
  public int hashCode() {
    return Objects.hash(eventId, userId, adId, eventTime, seenBefore, falsePositiveRate);
  }

  @Override
  public String toString() {
    return toJson();
  }
}
