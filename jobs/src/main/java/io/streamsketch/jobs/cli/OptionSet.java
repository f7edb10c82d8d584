package io.streamsketch.jobs.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The options a command accepts, their parsing and their help text. */
public final class OptionSet {
  private final Map<String, Option> options = new LinkedHashMap<>();

  public OptionSet add(Option option) {
    if (options.putIfAbsent(option.name(), option) != null) {
      throw new IllegalStateException("option --" + option.name() + " is declared twice");
    }
    return this;
  }

  public OptionSet addAll(List<Option> more) {
    more.forEach(this::add);
    return this;
  }

  /**
   * Parses {@code --name value}, {@code --name=value} and {@code --flag}.
   *
   * @throws UsageException for an unknown option, a missing value or a stray argument
   */
  public ParsedArgs parse(String command, String[] args) {
    Map<String, String> values = new HashMap<>();
    for (Option option : options.values()) {
      if (option.defaultValue() != null) {
        values.put(option.name(), option.defaultValue());
      }
    }
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--") || arg.length() == 2) {
        throw new UsageException(command + ": unexpected argument '" + arg + "'; options start with --");
      }
      String name = arg.substring(2);
      String value = null;
      int equals = name.indexOf('=');
      if (equals >= 0) {
        value = name.substring(equals + 1);
        name = name.substring(0, equals);
      }
      Option option = options.get(name);
      if (option == null) {
        throw new UsageException(command + ": unknown option --" + name + " (see '" + command + " --help')");
      }
      if (option.isFlag()) {
        if (value != null) {
          throw new UsageException(command + ": --" + name + " takes no value");
        }
        value = "true";
      } else if (value == null) {
        if (i + 1 >= args.length) {
          throw new UsageException(command + ": --" + name + " needs a value: " + option.valueName());
        }
        value = args[++i];
      }
      values.put(name, value);
    }
    return new ParsedArgs(command, values);
  }

  /** The help text: one line per option with its value, default and description. */
  public String help() {
    List<String[]> rows = new ArrayList<>();
    int width = 0;
    for (Option option : options.values()) {
      String left = "--" + option.name() + (option.isFlag() ? "" : " <" + option.valueName() + ">");
      String right =
          option.description() + (option.defaultValue() == null ? "" : " (default: " + option.defaultValue() + ")");
      rows.add(new String[] {left, right});
      width = Math.max(width, left.length());
    }
    StringBuilder out = new StringBuilder();
    for (String[] row : rows) {
      out.append("  ").append(row[0]).append(" ".repeat(width - row[0].length() + 2)).append(row[1]).append('\n');
    }
    return out.toString();
  }
}
