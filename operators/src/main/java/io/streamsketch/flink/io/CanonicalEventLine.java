package io.streamsketch.flink.io;

import io.streamsketch.model.ClickEvent;
import io.streamsketch.model.EventKind;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads a line in the one shape that {@link ClickEvent#toJson} and the generator write, {@code
 * {"eventId":7,"userId":"u42","pageId":"p3","kind":"AD_CLICK","adId":"ad9","eventTime":1767225600000}} (adId may be
 * {@code null}), without a JSON parser: on a single source subtask, parsing each line with Jackson was most of the
 * source's time. Any other line (whitespace, another field order, escapes, other fields, numbers of more than 18
 * digits, an unknown kind, non-ASCII) is not read here, and {@link ClickEventParser} reads it with Jackson, so that
 * both accept and reject exactly the same lines with the same results.
 */
final class CanonicalEventLine {
  private static final byte[] EVENT_ID = ascii("{\"eventId\":");
  private static final byte[] USER_ID = ascii(",\"userId\":\"");
  private static final byte[] PAGE_ID = ascii(",\"pageId\":\"");
  private static final byte[] KIND = ascii(",\"kind\":\"");
  private static final byte[] AD_ID = ascii(",\"adId\":");
  private static final byte[] NULL = ascii("null");
  private static final byte[] EVENT_TIME = ascii(",\"eventTime\":");
  private static final EventKind[] KINDS = EventKind.values();
  private static final byte[][] KIND_NAMES = new byte[KINDS.length][];
  /** At most 18 digits: every such number fits in a long. */
  private static final int MAX_DIGITS = 18;

  static {
    for (int i = 0; i < KINDS.length; i++) {
      KIND_NAMES[i] = ascii(KINDS[i].name());
    }
  }

  private final byte[] line;
  private int position;
  /** Whether the line left the canonical shape; every read after that is meaningless. */
  private boolean other;

  private CanonicalEventLine(byte[] line) {
    this.line = line;
  }

  /**
   * The event of a canonical line, validated as {@link ClickEventParser} validates every event; null for a line of
   * any other shape.
   *
   * @throws MalformedEventException for a canonical line whose values are invalid
   */
  static ClickEvent parse(byte[] line) {
    CanonicalEventLine reader = new CanonicalEventLine(line);
    reader.expect(EVENT_ID);
    long eventId = reader.number();
    reader.expect(USER_ID);
    String userId = reader.string();
    reader.expect(PAGE_ID);
    String pageId = reader.string();
    reader.expect(KIND);
    EventKind kind = reader.kind();
    reader.expect(AD_ID);
    String adId = reader.nullOrString();
    reader.expect(EVENT_TIME);
    long eventTime = reader.number();
    if (reader.other || reader.position != line.length - 1 || line[reader.position] != '}') {
      return null;
    }
    return ClickEventParser.validated(eventId, userId, pageId, kind, adId, eventTime);
  }

  private void expect(byte[] literal) {
    if (other || line.length - position < literal.length) {
      other = true;
      return;
    }
    for (int i = 0; i < literal.length; i++) {
      if (line[position + i] != literal[i]) {
        other = true;
        return;
      }
    }
    position += literal.length;
  }

  /** A JSON integer: an optional minus, then 0 or a non-zero digit and up to 17 more. */
  private long number() {
    if (other) {
      return 0;
    }
    boolean negative = position < line.length && line[position] == '-';
    int start = negative ? position + 1 : position;
    int end = start;
    long value = 0;
    while (end < line.length && line[end] >= '0' && line[end] <= '9' && end - start < MAX_DIGITS + 1) {
      value = value * 10 + (line[end] - '0');
      end++;
    }
    int digits = end - start;
    if (digits == 0 || digits > MAX_DIGITS || (digits > 1 && line[start] == '0')) {
      other = true;
      return 0;
    }
    position = end;
    return negative ? -value : value;
  }

  /**
   * The characters up to the next quote, which is passed: printable ASCII without backslashes (a control character,
   * which JSON forbids in strings, or a non-ASCII byte, negative, is below the space).
   */
  private String string() {
    int end = endOfString();
    if (end < 0) {
      return null;
    }
    String value = new String(line, position, end - position, StandardCharsets.ISO_8859_1);
    position = end + 1;
    return value;
  }

  private int endOfString() {
    if (other) {
      return -1;
    }
    for (int at = position; at < line.length; at++) {
      byte b = line[at];
      if (b == '"') {
        return at;
      }
      if (b < ' ' || b == '\\') {
        break;
      }
    }
    other = true;
    return -1;
  }

  private EventKind kind() {
    int end = endOfString();
    if (end < 0) {
      return null;
    }
    for (int i = 0; i < KINDS.length; i++) {
      byte[] name = KIND_NAMES[i];
      if (end - position == name.length && Arrays.equals(line, position, end, name, 0, name.length)) {
        position = end + 1;
        return KINDS[i];
      }
    }
    other = true; // Jackson's path names the unknown kind
    return null;
  }

  private String nullOrString() {
    if (other) {
      return null;
    }
    if (position < line.length && line[position] == '"') {
      position++;
      return string();
    }
    expect(NULL);
    return null;
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }
}
