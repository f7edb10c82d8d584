package io.streamsketch.sketch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SketchFormatTest {
  private static byte[] sample() {
    return SketchFormat.writer(SketchFamily.BLOOM_FILTER, 1, 12).putInt(7).putLong(42L).finish();
  }

  @Test
  void roundTripsThePayload() {
    SketchFormat.Reader reader = SketchFormat.reader(sample(), SketchFamily.BLOOM_FILTER, 1);
    assertThat(reader.version()).isEqualTo(1);
    assertThat(reader.getInt()).isEqualTo(7);
    assertThat(reader.getLong()).isEqualTo(42L);
    reader.end();
  }

  @Test
  void everyFlippedBitFailsTheChecksum() {
    byte[] bytes = sample();
    for (int i = 0; i < bytes.length * 8; i++) {
      byte[] corrupt = bytes.clone();
      corrupt[i / 8] ^= (byte) (1 << (i % 8));
      assertThatThrownBy(() -> SketchFormat.reader(corrupt, SketchFamily.BLOOM_FILTER, 1))
          .isInstanceOf(SketchFormatException.class);
    }
  }

  @Test
  void everyTruncationFails() {
    byte[] bytes = sample();
    for (int length = 0; length < bytes.length; length++) {
      byte[] truncated = Arrays.copyOf(bytes, length);
      assertThatThrownBy(() -> SketchFormat.reader(truncated, SketchFamily.BLOOM_FILTER, 1))
          .isInstanceOf(SketchFormatException.class);
    }
  }

  @Test
  void namesTheFamilyAndVersionThatDoNotMatch() {
    assertThatThrownBy(() -> SketchFormat.reader(sample(), SketchFamily.HYPERLOGLOG, 1))
        .hasMessageContaining("expected a HYPERLOGLOG sketch but found BLOOM_FILTER");
    byte[] newer = SketchFormat.writer(SketchFamily.BLOOM_FILTER, 2, 0).finish();
    assertThatThrownBy(() -> SketchFormat.reader(newer, SketchFamily.BLOOM_FILTER, 1))
        .hasMessageContaining("format version 2 is not supported");
  }

  @Test
  void aHugeCountFailsBeforeAnyAllocation() {
    SketchFormat.Reader reader = SketchFormat.reader(sample(), SketchFamily.BLOOM_FILTER, 1);
    assertThatThrownBy(() -> reader.checkedCount(Long.MAX_VALUE / 2, 8, "item"))
        .isInstanceOf(SketchFormatException.class)
        .hasMessageContaining("item count");
    assertThatThrownBy(() -> reader.checkedCount(-1, 8, "item")).isInstanceOf(SketchFormatException.class);
    assertThat(reader.checkedCount(1, 12, "item")).isEqualTo(1);
  }

  @Test
  void theWriterInsistsOnTheDeclaredPayloadSize() {
    assertThatThrownBy(() -> SketchFormat.writer(SketchFamily.BLOOM_FILTER, 1, 8).putInt(1).finish())
        .isInstanceOf(IllegalStateException.class);
  }
}
