package io.streamsketch.model;

/**
 * The distribution of event delays ({@link EventDelay}) in one window of split frontiers, as of one firing (the highest
 * {@code firing} stands). {@code count}, {@code max} are exact; the quantiles are a KLL sketch's, each within {@code
 * rankError} of its rank at 99% confidence (the true rank of {@code p99} lies in [0.99 − rankError, 0.99 +
 * rankError]). Delays in milliseconds.
 */
public class DelayQuantiles implements Result {
  /** Inclusive, epoch milliseconds. */
  public long windowStart;
  /** Exclusive, epoch milliseconds. */
  public long windowEnd;

  public long count;
  public long p50;
  public long p90;
  public long p99;
  public long p999;
  public long max;
  /** The sketch's normalized rank error of one quantile at 99% confidence; 0 when every delay was retained. */
  public double rankError;
  public int firing;

  public DelayQuantiles() {}

  @Override
  public String key() {
    return "delays@" + windowStart;
  }

  @Override
  public long version() {
    return firing;
  }

  @Override
  public String toJson() {
    return Json.object()
        .field("windowStart", windowStart)
        .field("windowEnd", windowEnd)
        .field("count", count)
        .field("p50", p50)
        .field("p90", p90)
        .field("p99", p99)
        .field("p999", p999)
        .field("max", max)
        .field("rankError", rankError)
        .field("firing", firing)
        .toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DelayQuantiles that && toJson().equals(that.toJson());
  }

  @Override
  public int hashCode() {
    return toJson().hashCode();
  }

  @Override
  public String toString() {
    return toJson();
  }
}
