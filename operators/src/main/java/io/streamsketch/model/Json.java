package io.streamsketch.model;

/**
 * Writes one flat JSON object, the format of every result line. Flat records of strings and numbers need no JSON
 * library, and keeping one out of the data contract keeps the model dependency-free.
 */
public final class Json {
  private final StringBuilder out = new StringBuilder(128).append('{');
  private boolean first = true;

  private Json() {}

  public static Json object() {
    return new Json();
  }

  public Json field(String name, String value) {
    name(name);
    if (value == null) {
      out.append("null");
    } else {
      string(value);
    }
    return this;
  }

  public Json field(String name, long value) {
    name(name);
    out.append(value);
    return this;
  }

  public Json field(String name, double value) {
    name(name);
    if (Double.isFinite(value)) {
      out.append(value);
    } else {
      out.append("null");
    }
    return this;
  }

  public Json field(String name, boolean value) {
    name(name);
    out.append(value);
    return this;
  }

  /** An array of numbers (null for an absent array; a non-finite number is written as null, as by the scalar field). */
  public Json field(String name, double[] values) {
    name(name);
    numbers(values);
    return this;
  }

  /** An array of arrays of numbers, such as centres. */
  public Json field(String name, double[][] rows) {
    name(name);
    if (rows == null) {
      out.append("null");
      return this;
    }
    out.append('[');
    for (int r = 0; r < rows.length; r++) {
      if (r > 0) {
        out.append(',');
      }
      numbers(rows[r]);
    }
    out.append(']');
    return this;
  }

  /** An array of integers, such as counts. */
  public Json field(String name, long[] values) {
    name(name);
    if (values == null) {
      out.append("null");
      return this;
    }
    out.append('[');
    for (int i = 0; i < values.length; i++) {
      if (i > 0) {
        out.append(',');
      }
      out.append(values[i]);
    }
    out.append(']');
    return this;
  }

  /** A field whose value is already JSON, such as a nested object. */
  public Json rawField(String name, String json) {
    name(name);
    out.append(json);
    return this;
  }

  @Override
  public String toString() {
    // One copy of the builder, not two (a String of it, then the String with "}"); it stays open for more fields.
    int open = out.length();
    String object = out.append('}').toString();
    out.setLength(open);
    return object;
  }

  private void numbers(double[] values) {
    if (values == null) {
      out.append("null");
      return;
    }
    out.append('[');
    for (int i = 0; i < values.length; i++) {
      if (i > 0) {
        out.append(',');
      }
      out.append(Double.isFinite(values[i]) ? String.valueOf(values[i]) : "null");
    }
    out.append(']');
  }

  private void name(String name) {
    if (!first) {
      out.append(',');
    }
    first = false;
    string(name);
    out.append(':');
  }

  private void string(String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
