package io.streamsketch.flink.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.streamsketch.model.ClickEvent;
import io.streamsketch.model.EventKind;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Parses and validates one JSON line of the data contract into a {@link ClickEvent}. Unknown fields are ignored, so
 * producers may add fields; missing or ill-typed required fields are errors.
 */
public final class ClickEventParser {
  private static final JsonFactory JSON = new JsonFactory();

  private ClickEventParser() {}

  /**
   * Parses one line given as UTF-8 bytes. Bytes that are not valid UTF-8 are an error, not replaced with U+FFFD:
   * replacing would collapse different byte ids into one user.
   *
   * @throws MalformedEventException with a reason a person can act on
   */
  public static ClickEvent parse(byte[] utf8) {
    ClickEvent canonical = CanonicalEventLine.parse(utf8);
    return canonical != null ? canonical : parseAnyShape(utf8);
  }

  /** {@link #parse(byte[])} with Jackson, which reads JSON of any shape. */
  static ClickEvent parseAnyShape(byte[] utf8) {
    if (isAscii(utf8)) {
      // ASCII is valid UTF-8 that Jackson reads as it is: no decoding pass, no String copy of the line.
      return parse(utf8, null);
    }
    return parse(null, decodeStrictly(utf8));
  }

  /** ASCII without NUL: Jackson would take NUL bytes for UTF-16 or UTF-32. */
  private static boolean isAscii(byte[] bytes) {
    for (byte b : bytes) {
      if (b <= 0) {
        return false;
      }
    }
    return true;
  }

  /** The line as text, invalid bytes replaced with U+FFFD: for showing a rejected line, never for parsing it. */
  public static String decodeForDisplay(byte[] utf8) {
    return new String(utf8, StandardCharsets.UTF_8);
  }

  private static String decodeStrictly(byte[] utf8) {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer bytes = ByteBuffer.wrap(utf8);
    try {
      return decoder.decode(bytes).toString();
    } catch (CharacterCodingException e) {
      throw new MalformedEventException("invalid UTF-8 at byte " + bytes.position());
    }
  }

  /**
   * @throws MalformedEventException with a reason a person can act on
   */
  public static ClickEvent parse(String line) {
    return parse(null, line);
  }

  /** Parses the ASCII bytes {@code ascii} or, when they are null, {@code line}. */
  private static ClickEvent parse(byte[] ascii, String line) {
    if (ascii != null ? isBlank(ascii) : line == null || line.isBlank()) {
      throw new MalformedEventException("empty line");
    }
    Long eventId = null;
    String userId = null;
    String pageId = null;
    EventKind kind = null;
    String adId = null;
    Long eventTime = null;
    try (JsonParser parser = ascii != null ? JSON.createParser(ascii) : JSON.createParser(line)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new MalformedEventException("not a JSON object");
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        JsonToken value = parser.nextToken();
        switch (field) {
          case "eventId" -> eventId = longValue(parser, value, field);
          case "userId" -> userId = stringValue(parser, value, field);
          case "pageId" -> pageId = stringValue(parser, value, field);
          case "kind" -> kind = kind(stringValue(parser, value, field));
          case "adId" -> adId = value == JsonToken.VALUE_NULL ? null : stringValue(parser, value, field);
          case "eventTime" -> eventTime = longValue(parser, value, field);
          default -> parser.skipChildren();
        }
      }
      if (parser.currentToken() != JsonToken.END_OBJECT) {
        throw new MalformedEventException("unterminated JSON object");
      }
      if (parser.nextToken() != null) {
        throw new MalformedEventException("trailing content after the JSON object");
      }
    } catch (IOException e) {
      throw new MalformedEventException("invalid JSON: " + firstLine(e.getMessage()));
    }
    require(eventId, "eventId");
    require(userId, "userId");
    require(pageId, "pageId");
    require(kind, "kind");
    require(eventTime, "eventTime");
    return validated(eventId, userId, pageId, kind, adId, eventTime);
  }

  /**
   * The event of these values, which every line has once read, if they are valid.
   *
   * @throws MalformedEventException with a reason a person can act on
   */
  static ClickEvent validated(long eventId, String userId, String pageId, EventKind kind, String adId, long eventTime) {
    if (eventTime < ClickEvent.MIN_EVENT_TIME || eventTime > ClickEvent.MAX_EVENT_TIME) {
      throw new MalformedEventException(
          "eventTime "
              + eventTime
              + " is out of range ["
              + ClickEvent.MIN_EVENT_TIME
              + ", "
              + ClickEvent.MAX_EVENT_TIME
              + "] (1970-01-01 to 9999-12-31 UTC, in epoch milliseconds)");
    }
    if (userId.isEmpty() || pageId.isEmpty()) {
      throw new MalformedEventException("userId and pageId must not be empty");
    }
    if (kind == EventKind.VIEW && adId != null) {
      throw new MalformedEventException("a VIEW has no adId");
    }
    if (kind != EventKind.VIEW && (adId == null || adId.isEmpty())) {
      throw new MalformedEventException("an " + kind + " needs an adId");
    }
    return new ClickEvent(eventId, userId, pageId, kind, adId, eventTime);
  }

  private static boolean isBlank(byte[] ascii) {
    for (byte b : ascii) {
      if (!Character.isWhitespace(b)) {
        return false;
      }
    }
    return true;
  }

  private static long longValue(JsonParser parser, JsonToken token, String field) throws IOException {
    if (token != JsonToken.VALUE_NUMBER_INT) {
      throw new MalformedEventException(field + " must be an integer");
    }
    if (parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
      throw new MalformedEventException(field + " is out of range");
    }
    return parser.getLongValue();
  }

  private static String stringValue(JsonParser parser, JsonToken token, String field) throws IOException {
    if (token != JsonToken.VALUE_STRING) {
      throw new MalformedEventException(field + " must be a string");
    }
    return parser.getText();
  }

  private static EventKind kind(String name) {
    try {
      return EventKind.valueOf(name);
    } catch (IllegalArgumentException e) {
      throw new MalformedEventException("unknown kind '" + name + "'");
    }
  }

  private static void require(Object value, String field) {
    if (value == null) {
      throw new MalformedEventException("missing " + field);
    }
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable";
    }
    int end = message.indexOf('\n');
    return end < 0 ? message : message.substring(0, end);
  }
}
