package io.streamsketch.flink.io;

import io.streamsketch.model.DeadLetter;
import java.io.BufferedInputStream;
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
    return new Reader(new BufferedInputStream(stream, 1 << 16));
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
    private final InputStream in;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);
    private boolean firstLine = true;
    private boolean truncated;

    public Lines(InputStream in) {
      this.in = in;
    }

    /** The next line, or null at the end of the stream. */
    public byte[] next() throws IOException {
      line.reset();
      truncated = false;
      int b = in.read();
      if (b < 0) {
        return null;
      }
      while (b >= 0 && b != '\n') {
        if (line.size() < MAX_LINE_BYTES) {
          line.write(b);
        } else {
          truncated = true;
        }
        b = in.read();
      }
      byte[] bytes = line.toByteArray();
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
