package io.streamsketch.jobs.cli;

/**
 * One command-line option.
 *
 * @param name the name without dashes
 * @param valueName what the value is, shown in help; null for a flag that takes no value
 * @param defaultValue the value when the option is not given; null if it has none
 * @param description one line of help
 */
public record Option(String name, String valueName, String defaultValue, String description) {
  public static Option flag(String name, String description) {
    return new Option(name, null, null, description);
  }

  public static Option value(String name, String valueName, String defaultValue, String description) {
    return new Option(name, valueName, defaultValue, description);
  }

  public boolean isFlag() {
    return valueName == null;
  }
}
