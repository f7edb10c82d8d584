package io.streamsketch.model;

import java.util.Objects;

/** A pair of the interval join: an ad impression and a click of the same user and ad that followed it in time. */
public class ImpressionClick {
  public long impressionId;
  public long clickId;
  public String userId;
  public String adId;
  /** Epoch milliseconds. */
  public long impressionTime;
  /** Epoch milliseconds. */
  public long clickTime;

  public ImpressionClick() {}

  public ImpressionClick(ClickEvent impression, ClickEvent click) {
    this.impressionId = impression.eventId;
    this.clickId = click.eventId;
    this.userId = impression.userId;
    this.adId = impression.adId;
    this.impressionTime = impression.eventTime;
    this.clickTime = click.eventTime;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof ImpressionClick)) {
      return false;
    }
    ImpressionClick that = (ImpressionClick) o;
    return impressionId == that.impressionId
        && clickId == that.clickId
        && impressionTime == that.impressionTime
        && clickTime == that.clickTime
        && Objects.equals(userId, that.userId)
        && Objects.equals(adId, that.adId);
  }

  @Override
  public int hashCode() {
    return Objects.hash(impressionId, clickId, userId, adId, impressionTime, clickTime);
  }

  @Override
  public String toString() {
    return "impression " + impressionId + " -> click " + clickId;
  }
}
