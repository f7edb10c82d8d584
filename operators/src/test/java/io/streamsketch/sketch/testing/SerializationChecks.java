package io.streamsketch.sketch.testing;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamsketch.sketch.SketchFormat;
import io.streamsketch.sketch.SketchFormatException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.zip.CRC32C;

/** Checks shared by the sketches' serialization tests. */
public final class SerializationChecks {
  private SerializationChecks() {}

  /** Every truncation and every single flipped byte of {@code valid} must raise {@link SketchFormatException}. */
  public static void assertRejectsTruncationAndFlips(byte[] valid, Function<byte[], ?> fromBytes) {
    for (int length = 0; length < valid.length; length++) {
      byte[] truncated = Arrays.copyOf(valid, length);
      assertThatThrownBy(() -> fromBytes.apply(truncated))
          .as("truncated to %d of %d bytes", length, valid.length)
          .isInstanceOf(SketchFormatException.class);
    }
    for (int at = 0; at < valid.length; at++) {
      byte[] flipped = valid.clone();
      flipped[at] ^= (byte) 0x5a;
      int position = at;
      assertThatThrownBy(() -> fromBytes.apply(flipped))
          .as("byte %d of %d flipped", position, valid.length)
          .isInstanceOf(SketchFormatException.class);
    }
  }

  /**
   * Applies {@code edit} to a little-endian view of a copy of {@code valid} and fixes the checksum, so the structural
   * checks (not the checksum) must reject the result.
   */
  public static byte[] editedWithValidChecksum(byte[] valid, Consumer<ByteBuffer> edit) {
    byte[] copy = valid.clone();
    edit.accept(ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN));
    return withValidChecksum(copy);
  }

  /** Recomputes the CRC-32C trailer of {@code bytes} in place and returns them. */
  public static byte[] withValidChecksum(byte[] bytes) {
    int at = bytes.length - SketchFormat.TRAILER_BYTES;
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, at);
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(at, (int) crc.getValue());
    return bytes;
  }

  /** The bytes with the family id byte replaced, checksum fixed. */
  public static byte[] withFamilyId(byte[] valid, int familyId) {
    return editedWithValidChecksum(valid, buffer -> buffer.put(0, (byte) familyId));
  }
}
