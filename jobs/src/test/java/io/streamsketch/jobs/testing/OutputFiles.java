package io.streamsketch.jobs.testing;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Reads what a job wrote under its output folder. */
public final class OutputFiles {
  private static final JsonFactory JSON = new JsonFactory();

  private OutputFiles() {}

  /** Every line of every committed file of one output; in-progress files (dot-prefixed) are not results. */
  public static List<String> lines(Path folder) throws IOException {
    List<String> lines = new ArrayList<>();
    if (!Files.isDirectory(folder)) {
      return lines;
    }
    try (Stream<Path> files = Files.walk(folder)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        if (!file.getFileName().toString().startsWith(".")) {
          lines.addAll(Files.readAllLines(file));
        }
      }
    }
    return lines;
  }

  /** One JSON object as a map of its scalar fields; nested arrays and objects are skipped (see {@link #objectsIn}). */
  public static Map<String, Object> fields(String line) {
    try (JsonParser parser = JSON.createParser(line)) {
      parser.nextToken();
      return scalarFields(parser);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The objects of the array field {@code name} of one JSON object, each as a map of its scalar fields. */
  public static List<Map<String, Object>> objectsIn(String line, String name) {
    List<Map<String, Object>> objects = new ArrayList<>();
    try (JsonParser parser = JSON.createParser(line)) {
      parser.nextToken();
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        boolean wanted = parser.currentName().equals(name);
        JsonToken value = parser.nextToken();
        if (wanted && value == JsonToken.START_ARRAY) {
          while (parser.nextToken() == JsonToken.START_OBJECT) {
            objects.add(scalarFields(parser));
          }
        } else {
          parser.skipChildren();
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return objects;
  }

  /** Reads the object the parser is at the start of. */
  private static Map<String, Object> scalarFields(JsonParser parser) throws IOException {
    Map<String, Object> fields = new HashMap<>();
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      JsonToken value = parser.nextToken();
      fields.put(
          name,
          switch (value) {
            case VALUE_NUMBER_INT -> parser.getLongValue();
            case VALUE_NUMBER_FLOAT -> parser.getDoubleValue();
            case VALUE_STRING -> parser.getText();
            case VALUE_TRUE, VALUE_FALSE -> parser.getBooleanValue();
            default -> null;
          });
      parser.skipChildren();
    }
    return fields;
  }
}
