package io.streamsketch.sketch.moments;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The committed fixture of format version 1, {@code src/test/resources/fixtures/ams/ams-v1-s16x3.bin}: a sketch of
 * 16 counters per group and 3 groups, seed 7, of the items "page-i" for i = 0 .. 99 with weight i + 1, then of
 * "page-i" for even i with weight −(i + 1), so the odd pages remain (F2 = Σ_{odd i} (i+1)² = 171,700). Later versions
 * must read it ({@code AmsFormatTest}). Regenerate only for a new format version, into a new file, with {@code java
 * -cp <operators test classpath> io.streamsketch.sketch.moments.AmsFixture <file>}.
 */
final class AmsFixture {
  static final String RESOURCE = "/fixtures/ams/ams-v1-s16x3.bin";
  static final int COUNTERS_PER_GROUP = 16;
  static final int GROUPS = 3;
  static final long SEED = 7;

  private AmsFixture() {}

  static AmsSketch build() {
    AmsSketch sketch = AmsSketch.ofShape(COUNTERS_PER_GROUP, GROUPS, SEED);
    for (int i = 0; i < 100; i++) {
      sketch.update("page-" + i, i + 1);
    }
    for (int i = 0; i < 100; i += 2) {
      sketch.update("page-" + i, -(i + 1));
    }
    return sketch;
  }

  public static void main(String[] args) throws IOException {
    Files.write(Path.of(args[0]), build().toBytes());
  }
}
