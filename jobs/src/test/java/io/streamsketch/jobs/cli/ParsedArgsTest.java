package io.streamsketch.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ParsedArgsTest {
  private static ParsedArgs parse(String value) {
    return new OptionSet()
        .add(Option.value("gap", "duration", null, "a duration"))
        .parse("test", new String[] {"--gap", value});
  }

  @Test
  void theMaximumDurationIsAccepted() {
    assertThat(parse("3650d").duration("gap")).isEqualTo(ParsedArgs.MAX_DURATION);
    assertThat(parse(ParsedArgs.MAX_DURATION.toMillis() + "ms").nonNegativeDuration("gap"))
        .isEqualTo(ParsedArgs.MAX_DURATION);
  }

  /** Durations past the maximum, including ones that overflow a long or a Duration, name the maximum. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "315360000001ms", "3651d", "9223372036854775807ms", "9223372036854775807d", "99999999999999999999999s",
        "P3651D", "PT87625H"
      })
  void aLongerDurationIsRefusedNamingTheMaximum(String value) {
    assertThatThrownBy(() -> parse(value).duration("gap"))
        .isInstanceOf(UsageException.class)
        .hasMessage("test: --gap must be at most 3650d, not '" + value + "'");
    assertThatThrownBy(() -> parse(value).nonNegativeDuration("gap"))
        .hasMessage("test: --gap must be at most 3650d, not '" + value + "'");
  }
}
