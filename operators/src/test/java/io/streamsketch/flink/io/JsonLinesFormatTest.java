package io.streamsketch.flink.io;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsketch.model.ClickEvent;
import io.streamsketch.model.DeadLetter;
import io.streamsketch.model.EventKind;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class JsonLinesFormatTest {
  private static final ClickEvent FIRST = new ClickEvent(1, "u1", "p1", EventKind.VIEW, null, 1_000);
  private static final ClickEvent SECOND = new ClickEvent(2, "u2", "p2", EventKind.AD_CLICK, "a1", 2_000);
  private static final byte[] BYTE_ORDER_MARK = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

  @Test
  void readsLinesWithOrWithoutCarriageReturnsAndAFinalLineBreak() throws IOException {
    assertThat(read(text(FIRST.toJson() + "\r\n" + SECOND.toJson())))
        .containsExactly(InputRecord.event(FIRST), InputRecord.event(SECOND));
    assertThat(read(text(FIRST.toJson() + "\n" + SECOND.toJson() + "\n")))
        .containsExactly(InputRecord.event(FIRST), InputRecord.event(SECOND));
  }

  @Test
  void skipsAByteOrderMarkAtTheStartOfTheFileOnly() throws IOException {
    byte[] file = concat(BYTE_ORDER_MARK, text(FIRST.toJson() + "\n"), BYTE_ORDER_MARK, text(SECOND.toJson() + "\n"));
    List<InputRecord> records = read(file);
    assertThat(records.get(0)).isEqualTo(InputRecord.event(FIRST));
    // Inside the file the mark is the character U+FEFF before the JSON, not a file header.
    assertThat(records.get(1).deadLetter.reason).startsWith("invalid JSON");
  }

  @Test
  void anEmptyLineAndInvalidUtf8AreDeadLettersAndReadingGoesOn() throws IOException {
    byte[] invalid = text("{\"eventId\":3,\"userId\":\"u\u0000\",\"pageId\":\"p\",\"kind\":\"VIEW\",\"eventTime\":1}");
    invalid[invalid.length - 40] = (byte) 0xFF;
    List<InputRecord> records = read(concat(text("\n"), invalid, text("\n" + SECOND.toJson() + "\n")));
    assertThat(records).hasSize(3);
    assertThat(records.get(0).deadLetter).isEqualTo(new DeadLetter("", "empty line"));
    assertThat(records.get(1).deadLetter.reason).startsWith("invalid UTF-8 at byte ");
    assertThat(records.get(1).deadLetter.line).contains("\uFFFD");
    assertThat(records.get(2)).isEqualTo(InputRecord.event(SECOND));
  }

  @Test
  void aLineLongerThanTheLimitIsADeadLetterAndTheNextLineIsRead() throws IOException {
    byte[] longLine = new byte[JsonLinesFormat.MAX_LINE_BYTES + 10];
    Arrays.fill(longLine, (byte) 'x');
    List<InputRecord> records = read(concat(longLine, text("\n" + FIRST.toJson())));
    assertThat(records).hasSize(2);
    assertThat(records.get(0).deadLetter.reason).startsWith("line longer than " + JsonLinesFormat.MAX_LINE_BYTES);
    assertThat(records.get(0).deadLetter.line).hasSize(200);
    assertThat(records.get(1)).isEqualTo(InputRecord.event(FIRST));
  }

  @Test
  void linesSplitAcrossReadsOfAnySizeReadAsWhole() throws IOException {
    StringBuilder file = new StringBuilder();
    List<InputRecord> expected = new ArrayList<>();
    for (int i = 0; i < 5_000; i++) {
      ClickEvent event = new ClickEvent(i, "user-" + i, "page-" + (i % 7), EventKind.VIEW, null, 1_000L + i);
      file.append(event.toJson()).append(i % 3 == 0 ? "\r\n" : "\n");
      expected.add(InputRecord.event(event));
    }
    byte[] bytes = text(file.toString());
    for (int chunk : new int[] {1, 7, 1 << 16, Integer.MAX_VALUE}) {
      assertThat(read(new ChunkedInputStream(bytes, chunk))).as("reads of %d bytes", chunk).isEqualTo(expected);
    }
  }

  @Test
  void aLineOfExactlyTheLimitIsNotCutAndOneByteMoreIs() throws IOException {
    byte[] atLimit = new byte[JsonLinesFormat.MAX_LINE_BYTES];
    Arrays.fill(atLimit, (byte) 'x');
    byte[] overLimit = Arrays.copyOf(atLimit, atLimit.length + 1);
    overLimit[atLimit.length] = 'x';
    List<InputRecord> records = read(new ChunkedInputStream(concat(atLimit, text("\n"), overLimit, text("\n")), 1000));
    assertThat(records).hasSize(2);
    assertThat(records.get(0).deadLetter.reason).startsWith("invalid JSON");
    assertThat(records.get(1).deadLetter.reason).startsWith("line longer than");
  }

  @Test
  void nulBytesAreNotTakenForAnotherEncoding() throws IOException {
    // UTF-16 of a valid event: each ASCII character preceded by a NUL byte. As UTF-8 it is not JSON.
    List<InputRecord> records = read(concat(FIRST.toJson().getBytes(StandardCharsets.UTF_16BE), text("\n")));
    assertThat(records).hasSize(1);
    assertThat(records.get(0).deadLetter.reason).startsWith("invalid JSON");
  }

  @Test
  void inputRecordsAreFlinkPojosOfEitherKind() throws IOException {
    assertThat(InputRecord.TYPE).isInstanceOf(PojoTypeInfo.class);
    TypeSerializer<InputRecord> serializer = InputRecord.TYPE.createSerializer(new SerializerConfigImpl());
    for (InputRecord record :
        List.of(InputRecord.event(SECOND), InputRecord.deadLetter(new DeadLetter("line", "reason")))) {
      DataOutputSerializer out = new DataOutputSerializer(64);
      serializer.serialize(record, out);
      assertThat(serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()))).isEqualTo(record);
    }
  }

  private static List<InputRecord> read(byte[] file) throws IOException {
    return read(new ByteArrayInputStream(file));
  }

  private static List<InputRecord> read(InputStream file) throws IOException {
    List<InputRecord> records = new ArrayList<>();
    try (JsonLinesFormat.Reader reader = new JsonLinesFormat.Reader(file)) {
      for (InputRecord record = reader.read(); record != null; record = reader.read()) {
        records.add(record);
      }
    }
    return records;
  }

  private static byte[] text(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] concat(byte[]... parts) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.write(part);
    }
    return out.toByteArray();
  }

  /** Returns at most {@code chunk} bytes per read, as a network or decompressing stream may. */
  private static final class ChunkedInputStream extends ByteArrayInputStream {
    private final int chunk;

    ChunkedInputStream(byte[] bytes, int chunk) {
      super(bytes);
      this.chunk = chunk;
    }

    @Override
    public synchronized int read(byte[] b, int off, int len) {
      return super.read(b, off, Math.min(len, chunk));
    }
  }
}
