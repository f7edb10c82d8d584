package io.streamsketch.generator;

/**
 * The parameters of the clickstream generator, validated. The same configuration always yields the same events.
 *
 * @param events how many events to emit
 * @param seed the random seed
 * @param users how many distinct users (Zipf-skewed)
 * @param pages how many distinct pages (Zipf-skewed)
 * @param ads how many distinct ads
 * @param maxDelayMillis the bound on out-of-order arrival: an event arrives at most this long after its time
 * @param lateFraction the fraction of events that arrive 1 to 2 hours after their time, later than any allowed
 *     lateness
 * @param malformedFraction in text outputs, the fraction of extra lines that are broken
 * @param startTime the event time the stream starts at, epoch milliseconds
 */
public record GeneratorConfig(
    long events,
    long seed,
    int users,
    int pages,
    int ads,
    long maxDelayMillis,
    double lateFraction,
    double malformedFraction,
    long startTime)
    implements java.io.Serializable {

  /** 2026-01-01T00:00:00Z. */
  public static final long DEFAULT_START_TIME = 1_767_225_600_000L;

  /** The cap on users and pages: the Zipf samplers keep a table of this many doubles. */
  public static final int MAX_DISTINCT = 10_000_000;

  public GeneratorConfig {
    if (events < 0) {
      throw new IllegalArgumentException("events must be at least 0: " + events);
    }
    requireRange("users", users, 1, MAX_DISTINCT);
    requireRange("pages", pages, 1, MAX_DISTINCT);
    requireRange("ads", ads, 1, MAX_DISTINCT);
    if (maxDelayMillis < 0) {
      throw new IllegalArgumentException("max delay must be at least 0 ms: " + maxDelayMillis);
    }
    requireFraction("late fraction", lateFraction);
    requireFraction("malformed fraction", malformedFraction);
  }

  /** The defaults of the CLI: 1,000,000 events, seed 42, 10,000 users, 1,000 pages, 100 ads, 5 s delay. */
  public static GeneratorConfig defaults() {
    return new GeneratorConfig(1_000_000, 42, 10_000, 1_000, 100, 5_000, 0.001, 0.0, DEFAULT_START_TIME);
  }

  public GeneratorConfig withEvents(long newEvents) {
    return new GeneratorConfig(
        newEvents, seed, users, pages, ads, maxDelayMillis, lateFraction, malformedFraction, startTime);
  }

  public GeneratorConfig withSeed(long newSeed) {
    return new GeneratorConfig(
        events, newSeed, users, pages, ads, maxDelayMillis, lateFraction, malformedFraction, startTime);
  }

  public GeneratorConfig withUsersAndPages(int newUsers, int newPages) {
    return new GeneratorConfig(
        events, seed, newUsers, newPages, ads, maxDelayMillis, lateFraction, malformedFraction, startTime);
  }

  public GeneratorConfig withDisorder(long newMaxDelayMillis, double newLateFraction, double newMalformedFraction) {
    return new GeneratorConfig(
        events, seed, users, pages, ads, newMaxDelayMillis, newLateFraction, newMalformedFraction, startTime);
  }

  private static void requireRange(String name, long value, long min, long max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(name + " must be in [" + min + ", " + max + "]: " + value);
    }
  }

  private static void requireFraction(String name, double value) {
    if (!(value >= 0.0 && value < 1.0)) {
      throw new IllegalArgumentException(name + " must be in [0, 1): " + value);
    }
  }
}
