package io.streamsketch.model;

/**
 * The self-join size F2 = Σ_page views(page)² of the page views of one event-time window, as of one firing (the
 * highest {@code firing} stands), estimated by an AMS sketch: {@code |f2Estimate − F2| ≤ epsilon·F2} with probability
 * at least {@code 1 − delta}, so F2 lies in [{@code f2Lower}, {@code f2Upper}] = [estimate/(1 + ε), estimate/(1 − ε)]
 * with that probability. {@code views} (N) is exact, and {@code skew} = estimate/N² is 1/pages for views spread evenly
 * over the pages and 1 for a single page. With {@code --verify}, {@code exactF2} is the exact F2 of the same window;
 * else −1.
 */
public class PageSkew implements Result {
  /** Inclusive, epoch milliseconds. */
  public long windowStart;
  /** Exclusive, epoch milliseconds. */
  public long windowEnd;

  public long views;
  public double f2Estimate;
  public double f2Lower;
  public double f2Upper;
  public double skew;
  public double epsilon;
  public double delta;
  public int firing;
  public long exactF2 = -1;

  public PageSkew() {}

  @Override
  public String key() {
    return "f2@" + windowStart;
  }

  @Override
  public long version() {
    return firing;
  }

  @Override
  public String toJson() {
    Json json =
        Json.object()
            .field("windowStart", windowStart)
            .field("windowEnd", windowEnd)
            .field("views", views)
            .field("f2Estimate", f2Estimate)
            .field("f2Lower", f2Lower)
            .field("f2Upper", f2Upper)
            .field("skew", skew)
            .field("epsilon", epsilon)
            .field("delta", delta)
            .field("firing", firing);
    if (exactF2 >= 0) {
      json.field("exactF2", exactF2);
    }
    return json.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PageSkew that && toJson().equals(that.toJson());
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
