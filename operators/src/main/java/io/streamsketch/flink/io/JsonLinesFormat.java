package io.streamsketch.flink.io;

import io.streamsketch.model.DeadLetter;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.reader.SimpleStreamFormat;
import org.apache.flink.connector.file.src.reader.StreamFormat;
import org.apache.flink.core.fs.FSDataInputStream;

/**
 * JSON-lines files for a {@code FileSource}: each line, read as bytes and parsed in the reader, becomes an {@link
 * InputRecord} (an event or a dead letter). Working on bytes rather than Flink's {@code TextLineInputFormat} (which
 * decodes with replacement) lets a line with invalid UTF-8 become a dead letter.
 *
 * <p>Lines end at {@code \n}; a {@code \r} before it is dropped. A UTF-8 byte-order mark at the start of a file is
 * skipped. A line longer than {@link #MAX_LINE_BYTES} becomes a dead letter holding its first bytes, and reading goes
 * on at the next line, so one runaway line cannot exhaust the heap.
 */
public final class JsonLinesFormat extends SimpleStreamFormat<InputRecord> {
  private static final long serialVersionUID = 1L;

  /** The longest line accepted: far above any event, small enough to hold. */
  public static final int MAX_LINE_BYTES = 1 << 20;

  private static final byte[] BYTE_ORDER_MARK = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
  private static final int SHOWN_BYTES_OF_LONG_LINE = 200;

  @Override
  public StreamFormat.Reader<InputRecord> createReader(Configuration config, FSDataInputStream stream) {
    return new Reader(stream);
  }

  @Override
  public TypeInformation<InputRecord> getProducedType() {
    return InputRecord.TYPE;
  }

  /**
   * The lines of a JSON-lines stream as bytes, by the rules of this format: without their line break, the byte-order
   * mark of the first line dropped, at most {@link #MAX_LINE_BYTES} bytes each.
   */
  public static final class Lines implements Closeable {
    private static final int BUFFER_BYTES = 1 << 16;

    private final InputStream in;
    /** Bytes read from {@code in}; {@code buffer[position, limit)} are not yet returned. */
    private final byte[] buffer = new byte[BUFFER_BYTES];
    private int position;
    private int limit;
    /** The start of a line that spans buffer refills: its bytes so far, at most {@link #MAX_LINE_BYTES}. */
    private final ByteArrayOutputStream spanning = new ByteArrayOutputStream(256);
    private boolean firstLine = true;
    private boolean truncated;

    public Lines(InputStream in) {
      this.in = in;
    }

    /** The next line, or null at the end of the stream. */
    public byte[] next() throws IOException {
      spanning.reset();
      truncated = false;
      boolean any = false;
      while (true) {
        if (position == limit && !fill()) {
          return any ? finish(spanning.toByteArray()) : null;
        }
        any = true;
        int end = indexOfNewline(buffer, position, limit);
        if (end >= 0) {
          byte[] line;
          if (spanning.size() == 0) {
            line = Arrays.copyOfRange(buffer, position, Math.min(end, position + MAX_LINE_BYTES));
            truncated = end - position > MAX_LINE_BYTES;
          } else {
            keep(position, end);
            line = spanning.toByteArray();
          }
          position = end + 1;
          return finish(line);
        }
        keep(position, limit);
        position = limit;
      }
    }

    /** Appends {@code buffer[from, to)} to the spanning line, up to {@link #MAX_LINE_BYTES}. */
    private void keep(int from, int to) {
      int room = MAX_LINE_BYTES - spanning.size();
      if (to - from > room) {
        truncated = true;
      }
      spanning.write(buffer, from, Math.min(to - from, room));
    }

    private boolean fill() throws IOException {
      int read = in.read(buffer, 0, buffer.length);
      while (read == 0) {
        read = in.read(buffer, 0, buffer.length);
      }
      position = 0;
      limit = Math.max(read, 0);
      return read > 0;
    }

    private static int indexOfNewline(byte[] bytes, int from, int to) {
      for (int i = from; i < to; i++) {
        if (bytes[i] == '\n') {
          return i;
        }
      }
      return -1;
    }

    private byte[] finish(byte[] bytes) {
      if (firstLine) {
        firstLine = false;
        if (bytes.length >= 3 && Arrays.equals(bytes, 0, 3, BYTE_ORDER_MARK, 0, 3)) {
          bytes = Arrays.copyOfRange(bytes, 3, bytes.length);
        }
      }
      if (!truncated && bytes.length > 0 && bytes[bytes.length - 1] == '\r') {
        bytes = Arrays.copyOf(bytes, bytes.length - 1);
      }
      return bytes;
    }

    /** Whether the line {@link #next} returned was cut at {@link #MAX_LINE_BYTES}. */
    public boolean truncated() {
      return truncated;
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }

  /** Reads a whole file (the format is not splittable, so every reader starts at byte 0). */
  static final class Reader implements StreamFormat.Reader<InputRecord> {
    private final Lines lines;

    Reader(InputStream in) {
      this.lines = new Lines(in);
    }

    @Override
    public InputRecord read() throws IOException {
      byte[] line = lines.next();
      if (line == null) {
        return null;
      }
      if (lines.truncated()) {
        return InputRecord.deadLetter(
            new DeadLetter(
                ClickEventParser.decodeForDisplay(Arrays.copyOf(line, SHOWN_BYTES_OF_LONG_LINE)),
                "line longer than " + MAX_LINE_BYTES + " bytes (its first " + SHOWN_BYTES_OF_LONG_LINE + " shown)"));
      }
      return InputRecord.parse(line);
    }

    @Override
    public void close() throws IOException {
      lines.close();
    }
  }
}
