package io.streamsketch.flink.join;

import io.streamsketch.model.Page;
import java.io.BufferedReader;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The format of {@code pages.csv}: the header {@code pageId,category,title}, then one row per page. There is no
 * quoting: {@code pageId} and {@code category} contain no comma and the title is the rest of the line, so a title
 * may contain commas. Blank lines are not rows and are skipped.
 */
public final class PagesCsv {
  public static final String HEADER = "pageId,category,title";

  private PagesCsv() {}

  /** Whether a line is the header, which the keyed dimension skips wherever it occurs (each file starts with it). */
  public static boolean isHeader(String line) {
    return line.equals(HEADER);
  }

  /** One data row. */
  public static Page parseRow(String line) throws MalformedPageRowException {
    if (line.startsWith("pageId,")) {
      throw new MalformedPageRowException("unexpected header, expected '" + HEADER + "'");
    }
    String[] fields = line.split(",", 3);
    if (fields.length < 3) {
      throw new MalformedPageRowException("expected 3 fields pageId,category,title but found " + fields.length);
    }
    if (fields[0].isBlank()) {
      throw new MalformedPageRowException("empty pageId");
    }
    if (fields[1].isBlank()) {
      throw new MalformedPageRowException("empty category");
    }
    return new Page(fields[0], fields[1], fields[2]);
  }

  /**
   * Reads a whole file strictly, for the small dimension, which is loaded where no side output exists: the first line
   * must be the header and a malformed row is an error naming its line. A later row of a page replaces an earlier one.
   */
  public static Map<String, Page> read(BufferedReader in, String source) throws IOException {
    String header = in.readLine();
    if (header == null || !isHeader(header)) {
      throw new IOException(source + ": the first line must be the header '" + HEADER + "' but is '" + header + "'");
    }
    Map<String, Page> pages = new LinkedHashMap<>();
    int lineNumber = 1;
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      lineNumber++;
      if (line.isBlank()) {
        continue;
      }
      try {
        Page page = parseRow(line);
        pages.put(page.pageId, page);
      } catch (MalformedPageRowException e) {
        throw new IOException(source + ":" + lineNumber + ": " + e.getMessage() + ": '" + line + "'");
      }
    }
    return pages;
  }
}
