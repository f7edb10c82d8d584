package io.streamsketch.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Every string value, with or without characters to escape, reads back unchanged with a JSON parser; an object can be
 * written out and then extended.
 */
class JsonTest {
  private static final String CHARACTERS = "ab\"\\\n\r\t\u0001\u001f \u00e9\u20ac/}{,:";

  @Test
  void stringsReadBackUnchanged() throws IOException {
    Random random = new Random(9);
    JsonFactory json = new JsonFactory();
    for (int i = 0; i < 10_000; i++) {
      StringBuilder value = new StringBuilder();
      int length = random.nextInt(8);
      for (int c = 0; c < length; c++) {
        value.append(CHARACTERS.charAt(random.nextInt(random.nextBoolean() ? 2 : CHARACTERS.length())));
      }
      String line = Json.object().field("s", value.toString()).field("n", 7L).toString();
      try (JsonParser parser = json.createParser(line)) {
        assertThat(parser.nextToken()).isEqualTo(JsonToken.START_OBJECT);
        assertThat(parser.nextFieldName()).isEqualTo("s");
        assertThat(parser.nextTextValue()).as(line).isEqualTo(value.toString());
        assertThat(parser.nextFieldName()).isEqualTo("n");
        assertThat(parser.nextToken()).isEqualTo(JsonToken.VALUE_NUMBER_INT);
        assertThat(parser.nextToken()).isEqualTo(JsonToken.END_OBJECT);
      }
    }
  }

  @Test
  void anObjectWrittenOutStaysOpenForMoreFields() {
    Json object = Json.object().field("a", 1L);
    assertThat(object.toString()).isEqualTo(object.toString()).isEqualTo("{\"a\":1}");
    assertThat(object.field("b", "x").toString()).isEqualTo("{\"a\":1,\"b\":\"x\"}");
  }
}
