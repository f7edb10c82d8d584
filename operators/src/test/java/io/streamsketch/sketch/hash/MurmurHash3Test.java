package io.streamsketch.sketch.hash;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Checks our MurmurHash3 x64 128 against DataSketches' implementation of the same reference algorithm. */
class MurmurHash3Test {

  @Test
  void longsMatchTheReferenceOnTheirLittleEndianBytes() {
    SplittableRandom random = new SplittableRandom(1);
    for (int i = 0; i < 10_000; i++) {
      long item = i < 100 ? i - 50 : random.nextLong();
      long seed = i % 3 == 0 ? 9001 : random.nextLong() >>> 32;
      long[] expected = org.apache.datasketches.hash.MurmurHash3.hash(new long[] {item}, seed);
      Hash128 actual = MurmurHash3.hash128(item, seed);
      assertThat(new long[] {actual.h1(), actual.h2()}).as("item %d seed %d", item, seed).containsExactly(expected);
      byte[] bytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(item).array();
      assertThat(MurmurHash3.hash128(bytes, seed)).isEqualTo(actual);
    }
  }

  @Test
  void byteArraysOfEveryTailLengthMatchTheReference() {
    SplittableRandom random = new SplittableRandom(2);
    // DataSketches rejects an empty array; the empty input is checked below.
    for (int length = 1; length <= 100; length++) {
      for (int trial = 0; trial < 20; trial++) {
        byte[] data = new byte[length];
        for (int i = 0; i < length; i++) {
          data[i] = (byte) random.nextInt();
        }
        long seed = random.nextLong() >>> 32;
        long[] expected = org.apache.datasketches.hash.MurmurHash3.hash(data, seed);
        Hash128 actual = MurmurHash3.hash128(data, seed);
        assertThat(new long[] {actual.h1(), actual.h2()}).as("length %d", length).containsExactly(expected);
      }
    }
  }

  @Test
  void offsetAndStringVariantsHashTheSameBytes() {
    byte[] padded = "xxhello, wörldyy".getBytes(StandardCharsets.UTF_8);
    byte[] inner = "hello, wörld".getBytes(StandardCharsets.UTF_8);
    assertThat(MurmurHash3.hash128(padded, 2, inner.length, 7)).isEqualTo(MurmurHash3.hash128(inner, 7));
    assertThat(MurmurHash3.hash128("hello, wörld", 7)).isEqualTo(MurmurHash3.hash128(inner, 7));
  }

  @Test
  void emptyInputWithSeedZeroHashesToZero() {
    // Every step of the reference algorithm maps an all-zero state with length 0 to zero.
    assertThat(MurmurHash3.hash128(new byte[0], 0)).isEqualTo(new Hash128(0, 0));
  }
}
