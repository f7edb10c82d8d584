package io.streamsketch.sketch.quantiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The committed fixture of format version 1, {@code src/test/resources/fixtures/kll/kll-v1-k64-n1000.bin}: a sketch of
 * k = 64, seed 7, of the 1000 items {@code (i·7919 mod 1000) / 4} for i = 0 .. 999 (0 to 249.75, each once). Later
 * versions must read it ({@code KllFormatTest}). Regenerate only for a new format version, into a new file, with
 * {@code java -cp <operators test classpath> io.streamsketch.sketch.quantiles.KllFixture <file>}.
 */
final class KllFixture {
  static final String RESOURCE = "/fixtures/kll/kll-v1-k64-n1000.bin";
  static final int K = 64;
  static final long SEED = 7;
  static final int N = 1000;

  private KllFixture() {}

  static KllSketch build() {
    KllSketch sketch = KllSketch.create(K, SEED);
    for (int i = 0; i < N; i++) {
      sketch.update((i * 7919L % N) / 4.0);
    }
    return sketch;
  }

  public static void main(String[] args) throws IOException {
    Files.write(Path.of(args[0]), build().toBytes());
  }
}
