package io.streamsketch.jobs.cli;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/** Parsed option values, converted on access; a bad value raises a {@link UsageException} naming the option. */
public final class ParsedArgs {
  /**
   * The longest duration any option takes: 3650 days (about 10 years, 3.2e11 ms). Jobs add durations to event times
   * and to each other (end + gap - 1 ms + lateness, window end + lateness); with every term this small, every such sum
   * of epoch milliseconds stays far from overflowing a long.
   */
  public static final Duration MAX_DURATION = Duration.ofDays(3650);

  private final String command;
  private final Map<String, String> values;

  ParsedArgs(String command, Map<String, String> values) {
    this.command = command;
    this.values = values;
  }

  public boolean has(String name) {
    return values.containsKey(name);
  }

  public boolean flag(String name) {
    return Boolean.parseBoolean(values.get(name));
  }

  /** The value, or null if the option has no default and was not given. */
  public String string(String name) {
    return values.get(name);
  }

  public String required(String name) {
    String value = values.get(name);
    if (value == null) {
      throw new UsageException(command + ": --" + name + " is required");
    }
    return value;
  }

  public long longValue(String name, long min) {
    long value = convert(name, "an integer", Long::parseLong);
    if (value < min) {
      throw invalid(name, "must be at least " + min);
    }
    return value;
  }

  public int intValue(String name, int min, int max) {
    int value = convert(name, "an integer", Integer::parseInt);
    if (value < min || value > max) {
      throw invalid(name, "must be in [" + min + ", " + max + "]");
    }
    return value;
  }

  /** A number in [min, max). */
  public double fraction(String name, double min, double max) {
    double value = convert(name, "a number", Double::parseDouble);
    if (!(value >= min && value < max)) {
      throw invalid(name, "must be in [" + min + ", " + max + ")");
    }
    return value;
  }

  public double doubleValue(String name, double min) {
    double value = convert(name, "a number", Double::parseDouble);
    if (!(value >= min) || Double.isInfinite(value)) {
      throw invalid(name, "must be a finite number of at least " + min);
    }
    return value;
  }

  /** A positive duration such as {@code 500ms}, {@code 5s}, {@code 1m}, {@code 2h} or ISO-8601 {@code PT5S}. */
  public Duration duration(String name) {
    Duration value = nonNegativeDuration(name);
    if (value.isZero()) {
      throw invalid(name, "must be positive");
    }
    return value;
  }

  /** A duration, as {@link #duration}, that may be zero; at most {@link #MAX_DURATION}. */
  public Duration nonNegativeDuration(String name) {
    Duration value = convert(name, "a duration like 500ms, 5s, 1m or 2h", ParsedArgs::parseDuration);
    if (value.isNegative()) {
      throw invalid(name, "must not be negative");
    }
    if (value.compareTo(MAX_DURATION) > 0) {
      throw invalid(name, "must be at most " + MAX_DURATION.toDays() + "d");
    }
    return value;
  }

  /** One of {@code allowed}, case-insensitive, returned in lower case. */
  public String choice(String name, String... allowed) {
    String value = required(name).toLowerCase(Locale.ROOT);
    for (String candidate : allowed) {
      if (candidate.equals(value)) {
        return value;
      }
    }
    throw invalid(name, "must be one of " + String.join(", ", allowed));
  }

  static Duration parseDuration(String text) {
    String s = text.trim().toLowerCase(Locale.ROOT);
    if (s.startsWith("pt") || s.startsWith("p")) {
      return Duration.parse(text.trim());
    }
    int unitAt = 0;
    while (unitAt < s.length() && Character.isDigit(s.charAt(unitAt))) {
      unitAt++;
    }
    if (unitAt == 0) {
      throw new IllegalArgumentException(text);
    }
    // An amount too large for a long or for a Duration is still a duration, just longer than MAX_DURATION: the
    // caller's range check then names the maximum instead of calling it malformed.
    long amount;
    try {
      amount = Long.parseLong(s.substring(0, unitAt));
    } catch (NumberFormatException tooManyDigits) {
      amount = Long.MAX_VALUE;
    }
    ChronoUnit unit =
        switch (s.substring(unitAt)) {
          case "ms" -> ChronoUnit.MILLIS;
          case "s" -> ChronoUnit.SECONDS;
          case "m", "min" -> ChronoUnit.MINUTES;
          case "h" -> ChronoUnit.HOURS;
          case "d" -> ChronoUnit.DAYS;
          default -> throw new IllegalArgumentException(text);
        };
    try {
      return Duration.of(amount, unit);
    } catch (ArithmeticException tooLong) {
      return ChronoUnit.FOREVER.getDuration();
    }
  }

  private <T> T convert(String name, String expected, Function<String, T> parser) {
    String raw = required(name);
    try {
      return parser.apply(raw);
    } catch (RuntimeException e) {
      throw new UsageException(command + ": --" + name + " must be " + expected + ", not '" + raw + "'");
    }
  }

  /** A usage error for a path option: the command, the option, its value and what is wrong with it. */
  public UsageException invalidPath(String name, String problem) {
    return new UsageException(command + ": --" + name + " " + values.get(name) + ": " + problem);
  }

  private UsageException invalid(String name, String rule) {
    return new UsageException(command + ": --" + name + " " + rule + ", not '" + values.get(name) + "'");
  }
}
