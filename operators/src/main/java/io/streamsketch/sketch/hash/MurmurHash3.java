package io.streamsketch.sketch.hash;

import java.nio.charset.StandardCharsets;

/**
 * MurmurHash3 x64 128-bit (Austin Appleby's reference {@code MurmurHash3_x64_128}), the one hash family of every
 * sketch in this library.
 *
 * <p>Items are hashed as bytes, so the same item gives the same hash on every JVM:
 *
 * <ul>
 *   <li>a {@code long} is hashed as its 8 little-endian bytes, so {@code hash128(x, s)} equals {@code hash128(bytes,
 *       s)} where {@code bytes} is the little-endian encoding of {@code x};
 *   <li>a {@code String} is hashed as its UTF-8 bytes;
 *   <li>a {@code byte[]} is hashed as it is.
 * </ul>
 *
 * <p>The seed is the reference implementation's 32-bit seed widened to 64 bits: both halves of the state start at
 * {@code seed}. Outputs match the reference for seeds in [0, 2^32).
 */
public final class MurmurHash3 {

  private static final long C1 = 0x87c37b91114253d5L;
  private static final long C2 = 0x4cf5ad432745937fL;

  private MurmurHash3() {}

  /** Hashes a long as its 8 little-endian bytes. Allocation-free. */
  public static Hash128 hash128(long item, long seed) {
    long h1 = seed;
    long h2 = seed;
    // An 8-byte input is a tail of 8 bytes: only k1 is mixed.
    long k1 = item;
    k1 *= C1;
    k1 = Long.rotateLeft(k1, 31);
    k1 *= C2;
    h1 ^= k1;
    return finish(h1, h2, 8);
  }

  /** Hashes a string as its UTF-8 bytes. */
  public static Hash128 hash128(String item, long seed) {
    byte[] bytes = item.getBytes(StandardCharsets.UTF_8);
    return hash128(bytes, 0, bytes.length, seed);
  }

  /** Hashes a whole byte array. */
  public static Hash128 hash128(byte[] item, long seed) {
    return hash128(item, 0, item.length, seed);
  }

  /** Hashes {@code length} bytes of {@code data} from {@code offset}. */
  public static Hash128 hash128(byte[] data, int offset, int length, long seed) {
    long h1 = seed;
    long h2 = seed;
    int blocks = length >>> 4;
    for (int i = 0; i < blocks; i++) {
      int at = offset + (i << 4);
      long k1 = getLongLittleEndian(data, at);
      long k2 = getLongLittleEndian(data, at + 8);

      k1 *= C1;
      k1 = Long.rotateLeft(k1, 31);
      k1 *= C2;
      h1 ^= k1;
      h1 = Long.rotateLeft(h1, 27);
      h1 += h2;
      h1 = h1 * 5 + 0x52dce729;

      k2 *= C2;
      k2 = Long.rotateLeft(k2, 33);
      k2 *= C1;
      h2 ^= k2;
      h2 = Long.rotateLeft(h2, 31);
      h2 += h1;
      h2 = h2 * 5 + 0x38495ab5;
    }

    int tail = offset + (blocks << 4);
    int rest = length & 15;
    long k1 = 0;
    long k2 = 0;
    // Deliberate fall-through, as in the reference implementation.
    switch (rest) {
      case 15:
        k2 ^= (data[tail + 14] & 0xffL) << 48;
      case 14:
        k2 ^= (data[tail + 13] & 0xffL) << 40;
      case 13:
        k2 ^= (data[tail + 12] & 0xffL) << 32;
      case 12:
        k2 ^= (data[tail + 11] & 0xffL) << 24;
      case 11:
        k2 ^= (data[tail + 10] & 0xffL) << 16;
      case 10:
        k2 ^= (data[tail + 9] & 0xffL) << 8;
      case 9:
        k2 ^= data[tail + 8] & 0xffL;
        k2 *= C2;
        k2 = Long.rotateLeft(k2, 33);
        k2 *= C1;
        h2 ^= k2;
      case 8:
        k1 ^= (data[tail + 7] & 0xffL) << 56;
      case 7:
        k1 ^= (data[tail + 6] & 0xffL) << 48;
      case 6:
        k1 ^= (data[tail + 5] & 0xffL) << 40;
      case 5:
        k1 ^= (data[tail + 4] & 0xffL) << 32;
      case 4:
        k1 ^= (data[tail + 3] & 0xffL) << 24;
      case 3:
        k1 ^= (data[tail + 2] & 0xffL) << 16;
      case 2:
        k1 ^= (data[tail + 1] & 0xffL) << 8;
      case 1:
        k1 ^= data[tail] & 0xffL;
        k1 *= C1;
        k1 = Long.rotateLeft(k1, 31);
        k1 *= C2;
        h1 ^= k1;
      default:
        break;
    }
    return finish(h1, h2, length);
  }

  private static Hash128 finish(long h1, long h2, long length) {
    h1 ^= length;
    h2 ^= length;
    h1 += h2;
    h2 += h1;
    h1 = fmix64(h1);
    h2 = fmix64(h2);
    h1 += h2;
    h2 += h1;
    return new Hash128(h1, h2);
  }

  /** The reference 64-bit finalization mix; also a good stand-alone bit mixer. */
  public static long fmix64(long k) {
    k ^= k >>> 33;
    k *= 0xff51afd7ed558ccdL;
    k ^= k >>> 33;
    k *= 0xc4ceb9fe1a85ec53L;
    k ^= k >>> 33;
    return k;
  }

  private static long getLongLittleEndian(byte[] b, int at) {
    return (b[at] & 0xffL)
        | (b[at + 1] & 0xffL) << 8
        | (b[at + 2] & 0xffL) << 16
        | (b[at + 3] & 0xffL) << 24
        | (b[at + 4] & 0xffL) << 32
        | (b[at + 5] & 0xffL) << 40
        | (b[at + 6] & 0xffL) << 48
        | (b[at + 7] & 0xffL) << 56;
  }
}
