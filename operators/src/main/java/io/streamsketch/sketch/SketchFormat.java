package io.streamsketch.sketch;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * The envelope shared by every sketch's binary format. All numbers are little-endian.
 *
 * <pre>
 * offset  size  field
 * 0       1     family id ({@link SketchFamily#id()})
 * 1       1     format version of that family
 * 2       2     reserved, 0
 * 4       n     the family's parameters and payload, documented in the sketch class
 * 4+n     4     CRC-32C of bytes [0, 4+n)
 * </pre>
 *
 * <p>The checksum catches flipped bits that structural checks cannot see, such as a corrupted counter. A
 * {@link Reader} checks the length, the checksum, the family and the version before the family reads a byte of
 * payload, and every read is bounds-checked, so corrupt input raises {@link SketchFormatException} rather than an
 * out-of-memory error or a wrong sketch.
 */
public final class SketchFormat {
  /** Bytes before the payload. */
  public static final int HEADER_BYTES = 4;
  /** Bytes after the payload. */
  public static final int TRAILER_BYTES = 4;

  private SketchFormat() {}

  /** Starts a serialized sketch whose payload is exactly {@code payloadBytes} long. */
  public static Writer writer(SketchFamily family, int version, int payloadBytes) {
    return new Writer(family, version, payloadBytes);
  }

  /**
   * Checks the envelope of {@code bytes} and returns a reader positioned at the payload.
   *
   * @throws SketchFormatException if the bytes are too short, fail the checksum, or are of another family or an
   *     unsupported version
   */
  public static Reader reader(byte[] bytes, SketchFamily family, int maxVersion) {
    return reader(bytes, family, 1, maxVersion, null);
  }

  /**
   * As {@link #reader(byte[], SketchFamily, int)}, for a family whose versions before {@code oldestVersion} can no
   * longer be read: their bytes fail with a message that gives {@code whyOlderVersionsFail}, never silently.
   */
  public static Reader reader(
      byte[] bytes, SketchFamily family, int oldestVersion, int maxVersion, String whyOlderVersionsFail) {
    if (bytes == null) {
      throw new SketchFormatException(family + ": bytes are null");
    }
    if (bytes.length < HEADER_BYTES + TRAILER_BYTES) {
      throw new SketchFormatException(
          family + ": " + bytes.length + " bytes is shorter than the " + (HEADER_BYTES + TRAILER_BYTES)
              + "-byte envelope");
    }
    ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    int checksumAt = bytes.length - TRAILER_BYTES;
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, checksumAt);
    int stored = buffer.getInt(checksumAt);
    if ((int) crc.getValue() != stored) {
      throw new SketchFormatException(family + ": checksum mismatch, the bytes are corrupt or truncated");
    }
    int familyId = bytes[0] & 0xff;
    if (familyId != family.id()) {
      SketchFamily actual = SketchFamily.ofId(familyId);
      throw new SketchFormatException(
          "expected a " + family + " sketch but found " + (actual == null ? "unknown family id " + familyId : actual));
    }
    int version = bytes[1] & 0xff;
    if (version < oldestVersion && version >= 1) {
      throw new SketchFormatException(
          family + ": format version " + version + " is no longer supported (supported: " + oldestVersion + " to "
              + maxVersion + "): " + whyOlderVersionsFail);
    }
    if (version < 1 || version > maxVersion) {
      throw new SketchFormatException(
          family + ": format version " + version + " is not supported (supported: " + oldestVersion + " to "
              + maxVersion + ")");
    }
    buffer.position(HEADER_BYTES);
    buffer.limit(checksumAt);
    return new Reader(family, version, buffer);
  }

  /** Writes the envelope around a payload of known size. */
  public static final class Writer {
    private final ByteBuffer buffer;

    private Writer(SketchFamily family, int version, int payloadBytes) {
      if (version < 1 || version > 255) {
        throw new IllegalArgumentException("version must be in [1, 255]: " + version);
      }
      buffer = ByteBuffer.allocate(HEADER_BYTES + payloadBytes + TRAILER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
      buffer.put((byte) family.id()).put((byte) version).putShort((short) 0);
    }

    public Writer putByte(int value) {
      buffer.put((byte) value);
      return this;
    }

    public Writer putInt(int value) {
      buffer.putInt(value);
      return this;
    }

    public Writer putLong(long value) {
      buffer.putLong(value);
      return this;
    }

    public Writer putDouble(double value) {
      buffer.putDouble(value);
      return this;
    }

    public Writer putBytes(byte[] value) {
      buffer.put(value);
      return this;
    }

    /** The buffer, for bulk writes of arrays (for example {@code buffer().asLongBuffer()}). */
    public ByteBuffer buffer() {
      return buffer;
    }

    /** Appends the checksum and returns the bytes; fails if the payload was not exactly the declared size. */
    public byte[] finish() {
      if (buffer.remaining() != TRAILER_BYTES) {
        throw new IllegalStateException(
            "payload size mismatch: " + (buffer.remaining() - TRAILER_BYTES) + " declared bytes left unwritten");
      }
      CRC32C crc = new CRC32C();
      crc.update(buffer.array(), 0, buffer.position());
      buffer.putInt((int) crc.getValue());
      return buffer.array();
    }
  }

  /** Bounds-checked reads of a payload whose envelope has been checked. */
  public static final class Reader {
    private final SketchFamily family;
    private final int version;
    private final ByteBuffer buffer;

    private Reader(SketchFamily family, int version, ByteBuffer buffer) {
      this.family = family;
      this.version = version;
      this.buffer = buffer;
    }

    /** The format version found in the header. */
    public int version() {
      return version;
    }

    public int remaining() {
      return buffer.remaining();
    }

    public int getByte() {
      require(1, "a byte");
      return buffer.get() & 0xff;
    }

    public int getInt() {
      require(4, "an int");
      return buffer.getInt();
    }

    public long getLong() {
      require(8, "a long");
      return buffer.getLong();
    }

    public double getDouble() {
      require(8, "a double");
      return buffer.getDouble();
    }

    /** Reads {@code length} bytes, checking the length against what is left before allocating. */
    public byte[] getBytes(int length) {
      checkBytesLeft(length);
      byte[] out = new byte[length];
      buffer.get(out);
      return out;
    }

    /** Checks that {@code length} is not negative and that that many bytes are left, as before reading them. */
    public void checkBytesLeft(int length) {
      if (length < 0) {
        throw corrupt("negative length " + length);
      }
      require(length, length + " bytes");
    }

    /**
     * Checks that a count of elements of {@code bytesEach} bytes fits in what is left, so a malicious length field
     * fails here instead of allocating a huge array.
     */
    public int checkedCount(long count, int bytesEach, String what) {
      // Divide rather than multiply: a huge count must not overflow into a small product.
      if (count < 0 || count > buffer.remaining() / Math.max(1, bytesEach)) {
        throw corrupt(what + " count " + count + " does not fit in the " + buffer.remaining() + " bytes left");
      }
      return (int) count;
    }

    /** The buffer, for bulk reads of arrays; call {@link #checkedCount} first. */
    public ByteBuffer buffer() {
      return buffer;
    }

    /** Fails unless every payload byte was read. */
    public void end() {
      if (buffer.hasRemaining()) {
        throw corrupt(buffer.remaining() + " unexpected trailing bytes");
      }
    }

    /** An exception naming the family, for a value that fails a check. */
    public SketchFormatException corrupt(String detail) {
      return new SketchFormatException(family + " v" + version + ": " + detail);
    }

    private void require(int bytes, String what) {
      if (buffer.remaining() < bytes) {
        throw corrupt("truncated: expected " + what + " but only " + buffer.remaining() + " bytes are left");
      }
    }
  }
}
