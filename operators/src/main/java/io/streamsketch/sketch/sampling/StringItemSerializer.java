package io.streamsketch.sketch.sampling;

import io.streamsketch.sketch.SketchFormatException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;

/** Serializes a {@code String} as its UTF-8 bytes; malformed UTF-8 is rejected rather than replaced. */
public final class StringItemSerializer implements ItemSerializer<String> {
  public static final StringItemSerializer INSTANCE = new StringItemSerializer();

  private StringItemSerializer() {}

  @Override
  public byte[] toBytes(String item) {
    return item.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public String fromBytes(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new SketchFormatException("a String item is not valid UTF-8: " + e);
    }
  }
}
