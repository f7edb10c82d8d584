package io.streamsketch.sketch.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamsketch.sketch.SketchFamily;
import io.streamsketch.sketch.SketchFormat;
import io.streamsketch.sketch.SketchFormatException;
import io.streamsketch.sketch.bloom.BloomFilter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SkipReservoirTest {
  private static final int STREAM = 100;
  private static final int K = 10;
  private static final int RUNS = 20_000;

  /** Every scenario samples the items 0..99 into a reservoir of k = 10, possibly in pieces merged together. */
  static Stream<Arguments> scenarios() {
    return Stream.of(
        scenario("single stream", random -> fed(K, 0, 100, random)),
        scenario("merge, both full", random -> merged(fed(K, 0, 60, random), fed(K, 60, 100, random))),
        scenario("merge, unequal sizes", random -> merged(fed(K, 0, 85, random), fed(K, 85, 100, random))),
        scenario("merge, other not full", random -> merged(fed(K, 0, 95, random), fed(K, 95, 100, random))),
        scenario("merge, this not full", random -> merged(fed(K, 0, 5, random), fed(K, 5, 100, random))),
        scenario("merge, larger k into smaller", random -> merged(fed(20, 0, 70, random), fed(K, 70, 100, random))),
        scenario("merge, smaller k into larger", random -> merged(fed(K, 0, 30, random), fed(20, 30, 100, random))),
        scenario(
            "merge, this not full with larger k", random -> merged(fed(20, 0, 15, random), fed(K, 15, 100, random))),
        scenario(
            "merge both full, then more items",
            random -> continued(merged(fed(K, 0, 30, random), fed(K, 30, 70, random)), 70)),
        scenario(
            "merge, shrink of a not-full side, then more items",
            random -> continued(merged(fed(20, 0, 15, random), fed(K, 15, 20, random)), 20)),
        scenario(
            "serde mid-stream, then more items",
            random -> {
              SkipReservoir<Long> reservoir = fed(K, 0, 40, random);
              byte[] bytes = reservoir.toBytes(LongItemSerializer.INSTANCE);
              return continued(SkipReservoir.fromBytes(bytes, LongItemSerializer.INSTANCE, random), 40);
            }));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scenarios")
  void everyItemIsEquallyLikelyToBeSampled(String name, Function<RandomGenerator, SkipReservoir<Long>> scenario) {
    SplittableRandom seeds = new SplittableRandom(20240601);
    InclusionChiSquare test = new InclusionChiSquare(STREAM, K);
    for (int run = 0; run < RUNS; run++) {
      SkipReservoir<Long> reservoir = scenario.apply(seeds.split());
      assertThat(reservoir.k()).isEqualTo(K);
      assertThat(reservoir.itemsSeen()).isEqualTo(STREAM);
      test.record(reservoir.sample());
    }
    assertThat(test.statistic()).isLessThan(InclusionChiSquare.CRITICAL_99_DF_AT_0_001);
  }

  @Test
  void skipsDrawFarFewerRandomNumbersThanItems() {
    long n = 10_000_000;
    int k = 100;
    CountingRandom random = new CountingRandom(new SplittableRandom(7));
    SkipReservoir<Long> reservoir = SkipReservoir.create(k, random);
    Long item = 42L;
    for (long i = 0; i < n; i++) {
      reservoir.update(item);
    }
    // Expected about 2 + 3·k·ln(n/k) = 3,456 draws; allow c = 4 in c·k·(1 + ln(n/k)) = 5,005.
    double bound = 4 * k * (1 + Math.log((double) n / k));
    assertThat(reservoir.randomDraws()).isLessThan((long) bound).isGreaterThan((long) (k * Math.log((double) n / k)));
    // The generator's own 64-bit draws, which bounded ints may repeat on rejection, stay within the bound too.
    assertThat(random.draws).isLessThan((long) bound);
    assertThat(reservoir.itemsSeen()).isEqualTo(n);
    assertThat(reservoir.sample()).hasSize(k);
  }

  @Test
  void batchUpdatesEqualItemByItemUpdates() {
    List<Long> stream = LongStream.range(0, 100_000).boxed().toList();
    for (int batchSize : new int[] {1, 7, 1_000, 100_000}) {
      SkipReservoir<Long> oneByOne = SkipReservoir.create(50, new SplittableRandom(11));
      SkipReservoir<Long> batched = SkipReservoir.create(50, new SplittableRandom(11));
      for (int from = 0; from < stream.size(); from += batchSize) {
        List<Long> batch = stream.subList(from, Math.min(stream.size(), from + batchSize));
        batch.forEach(oneByOne::update);
        batched.updateAll(batch);
      }
      assertThat(batched).as("batches of %d", batchSize).isEqualTo(oneByOne);
      assertThat(batched.randomDraws()).isEqualTo(oneByOne.randomDraws());
    }
  }

  @Test
  void fillsBeforeSampling() {
    SkipReservoir<String> reservoir = SkipReservoir.create(3, new SplittableRandom(1));
    assertThat(reservoir.sample()).isEmpty();
    reservoir.update("a");
    reservoir.update("b");
    assertThat(reservoir.sample()).containsExactly("a", "b");
    assertThat(reservoir.randomDraws()).isZero();
    reservoir.update("c");
    assertThat(reservoir.sample()).containsExactly("a", "b", "c");
    assertThat(reservoir.randomDraws()).isEqualTo(2);
    assertThat(reservoir.k()).isEqualTo(3);
    assertThat(reservoir.itemsSeen()).isEqualTo(3);
    assertThatThrownBy(() -> reservoir.sample().add("d")).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void rejectsInvalidArguments() {
    assertThatThrownBy(() -> SkipReservoir.create(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("k must be in [1, 1073741824]: 0");
    assertThatThrownBy(() -> SkipReservoir.create((1 << 30) + 1))
        .hasMessage("k must be in [1, 1073741824]: 1073741825");
    SkipReservoir<String> reservoir = SkipReservoir.create(2, new SplittableRandom(1));
    assertThatThrownBy(() -> reservoir.update(null)).isInstanceOf(NullPointerException.class).hasMessage("item");
    assertThatThrownBy(() -> reservoir.merge(reservoir))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("cannot merge a reservoir into itself");
  }

  @Test
  void mergeAddsCountsAndLeavesTheOtherUnchanged() {
    SkipReservoir<Long> a = fed(K, 0, 1_000, new SplittableRandom(1));
    SkipReservoir<Long> b = fed(K, 1_000, 3_000, new SplittableRandom(2));
    SkipReservoir<Long> bBefore = b.copy();
    a.merge(b);
    assertThat(a.itemsSeen()).isEqualTo(3_000);
    assertThat(a.sample()).hasSize(K).allMatch(item -> item >= 0 && item < 3_000);
    assertThat(b).isEqualTo(bBefore);
    SkipReservoir<Long> empty = SkipReservoir.create(K, new SplittableRandom(3));
    SkipReservoir<Long> aBefore = a.copy();
    a.merge(empty);
    assertThat(a).isEqualTo(aBefore);
  }

  @Test
  void copyIsEqualAndIndependent() {
    SkipReservoir<Long> reservoir = fed(K, 0, 500, new SplittableRandom(4));
    SkipReservoir<Long> copy = reservoir.copy();
    assertThat(copy).isEqualTo(reservoir).hasSameHashCodeAs(reservoir);
    for (long i = 500; i < 1_000; i++) {
      copy.update(i);
    }
    assertThat(reservoir.itemsSeen()).isEqualTo(500);
    assertThat(copy).isNotEqualTo(reservoir);
  }

  @Test
  void serdeRoundTripIsExact() {
    for (int seen : new int[] {0, 3, K, 1_000}) {
      SkipReservoir<Long> reservoir = fed(K, 0, seen, new SplittableRandom(seen));
      byte[] bytes = reservoir.toBytes(LongItemSerializer.INSTANCE);
      // Long items have a fixed length: 8 bytes each, no length prefix.
      assertThat(bytes).hasSize(4 + 36 + Math.min(seen, K) * 8 + 4);
      SkipReservoir<Long> restored = SkipReservoir.fromBytes(bytes, LongItemSerializer.INSTANCE);
      assertThat(restored).isEqualTo(reservoir).hasSameHashCodeAs(reservoir);
      assertThat(restored.toBytes(LongItemSerializer.INSTANCE)).isEqualTo(bytes);
    }
    SkipReservoir<String> strings = SkipReservoir.create(4, new SplittableRandom(5));
    for (String item : List.of("a", "", "clé", "中文", "e", "f", "g")) {
      strings.update(item);
    }
    byte[] bytes = strings.toBytes(StringItemSerializer.INSTANCE);
    assertThat(SkipReservoir.fromBytes(bytes, StringItemSerializer.INSTANCE)).isEqualTo(strings);
  }

  @Test
  void restoredReservoirContinuesLikeTheOriginal() {
    SkipReservoir<Long> original = fed(K, 0, 1_000, new SplittableRandom(6));
    byte[] bytes = original.toBytes(LongItemSerializer.INSTANCE);
    SkipReservoir<Long> first = SkipReservoir.fromBytes(bytes, LongItemSerializer.INSTANCE, new SplittableRandom(8));
    SkipReservoir<Long> second = SkipReservoir.fromBytes(bytes, LongItemSerializer.INSTANCE, new SplittableRandom(8));
    for (long i = 1_000; i < 5_000; i++) {
      first.update(i);
      second.update(i);
    }
    assertThat(first).isEqualTo(second);
    assertThat(first.sample()).isNotEqualTo(original.sample());
  }

  @Test
  void rejectsEveryTruncationAndEveryFlippedByte() {
    byte[] bytes = fed(4, 0, 50, new SplittableRandom(9)).toBytes(LongItemSerializer.INSTANCE);
    for (int length = 0; length < bytes.length; length++) {
      byte[] truncated = Arrays.copyOf(bytes, length);
      assertThatThrownBy(() -> SkipReservoir.fromBytes(truncated, LongItemSerializer.INSTANCE))
          .isInstanceOf(SketchFormatException.class);
    }
    for (int i = 0; i < bytes.length; i++) {
      byte[] corrupt = bytes.clone();
      corrupt[i] ^= 0x01;
      assertThatThrownBy(() -> SkipReservoir.fromBytes(corrupt, LongItemSerializer.INSTANCE))
          .isInstanceOf(SketchFormatException.class);
    }
  }

  @Test
  void rejectsAnotherFamily() {
    byte[] bloom = BloomFilter.withSize(64, 1, 0).toBytes();
    assertThatThrownBy(() -> SkipReservoir.fromBytes(bloom, LongItemSerializer.INSTANCE))
        .isInstanceOf(SketchFormatException.class)
        .hasMessage("expected a SKIP_RESERVOIR sketch but found BLOOM_FILTER");
  }

  @Test
  void rejectsMaliciousFieldsWithAValidChecksum() {
    assertRejected(forged(0, 0, 0, 0, 0, -1, new byte[0]), "k must be in [1, 1073741824]: 0");
    assertRejected(forged(4, -1, 0, 0, 0, -1, new byte[0]), "items seen must not be negative: -1");
    assertRejected(forged(4, 2, 0, 0, 1, -1, item(1)), "sample size 1 must be min(items seen 2, k 4)");
    assertRejected(forged(4, 2, 0.5, 0, 2, -1, item(1), item(2)), "inconsistent skip state");
    assertRejected(forged(1, 5, 0, 0, 1, -1, item(1)), "inconsistent skip state");
    assertRejected(forged(1, 5, Double.NaN, 0, 1, -1, item(1)), "inconsistent skip state");
    assertRejected(forged(1, 5, 0.5, -3, 1, -1, item(1)), "inconsistent skip state");
    assertRejected(
        forged(1, Long.MAX_VALUE - 5, 0.5, 5, 1, -1, item(1)),
        "items to skip 5 overflows past 9223372036854775802 items seen");
    // A huge sample size must fail before anything is allocated for it.
    assertRejected(
        forged(1 << 30, 1L << 40, 0.5, 0, 1 << 30, -1, item(1)),
        "item count 1073741824 does not fit in the 12 bytes left");
    assertRejected(
        forged(1, 5, 0.5, 0, 1, -1, lengthThen(Integer.MAX_VALUE, 8)), "truncated: expected 2147483647 bytes");
    assertRejected(forged(1, 5, 0.5, 0, 1, -1, lengthThen(-1, 8)), "negative length -1");
    assertRejected(forged(1, 5, 0.5, 0, 1, -1, item(1), item(2)), "12 unexpected trailing bytes");
    assertRejected(forged(1, 5, 0.5, 0, 1, 0, item(1)), "item length must be positive or -1 for variable: 0");
    assertRejected(forged(1, 5, 0.5, 0, 1, -2, item(1)), "item length must be positive or -1 for variable: -2");
    byte[] fixedItem = LongItemSerializer.INSTANCE.toBytes(1L);
    assertRejected(
        forged(1 << 30, 1L << 40, 0.5, 0, 1 << 30, 8, fixedItem),
        "item count 1073741824 does not fit in the 8 bytes left");
    assertRejected(forged(1, 5, 0.5, 0, 1, 16, fixedItem), "item count 1 does not fit in the 8 bytes left");
    assertThat(SkipReservoir.fromBytes(forged(1, 5, 0.5, 0, 1, 8, fixedItem), LongItemSerializer.INSTANCE).sample())
        .containsExactly(1L);
    assertThatThrownBy(() -> SkipReservoir.fromBytes(forged(1, 5, 0.5, 0, 1, -1, lengthThen(7, 7)),
            LongItemSerializer.INSTANCE))
        .isInstanceOf(SketchFormatException.class)
        .hasMessage("a Long item must be 8 bytes, not 7");
    byte[] invalidUtf8 = {4, 0, 0, 0, (byte) 0xc3, (byte) 0x28, (byte) 0xff, (byte) 0xfe};
    assertThatThrownBy(() -> SkipReservoir.fromBytes(forged(1, 5, 0.5, 0, 1, -1, invalidUtf8),
            StringItemSerializer.INSTANCE))
        .isInstanceOf(SketchFormatException.class)
        .hasMessageStartingWith("a String item is not valid UTF-8");
  }

  @Test
  void rejectsASerializerThatBreaksItsFixedLength() {
    ItemSerializer<String> lying =
        new ItemSerializer<>() {
          @Override
          public byte[] toBytes(String item) {
            return StringItemSerializer.INSTANCE.toBytes(item);
          }

          @Override
          public String fromBytes(byte[] bytes) {
            return StringItemSerializer.INSTANCE.fromBytes(bytes);
          }

          @Override
          public int fixedLength() {
            return 2;
          }
        };
    SkipReservoir<String> reservoir = SkipReservoir.create(2, new SplittableRandom(1));
    reservoir.update("ab");
    assertThat(SkipReservoir.fromBytes(reservoir.toBytes(lying), lying)).isEqualTo(reservoir);
    reservoir.update("abc");
    assertThatThrownBy(() -> reservoir.toBytes(lying))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("item serializer declares a fixed length of 2 bytes but wrote 3");
  }

  /** Only the array methods: the general path, which the in-place one must match byte for byte. */
  private static <T> ItemSerializer<T> arraysOnly(ItemSerializer<T> serializer) {
    return new ItemSerializer<>() {
      @Override
      public byte[] toBytes(T item) {
        return serializer.toBytes(item);
      }

      @Override
      public T fromBytes(byte[] bytes) {
        return serializer.fromBytes(bytes);
      }

      @Override
      public int fixedLength() {
        return serializer.fixedLength();
      }
    };
  }

  @Test
  void fixedLengthItemsAreWrittenAndReadInPlaceAsTheArrayPathWouldBe() {
    ItemSerializer<Long> inPlaceOnly =
        new ItemSerializer<>() {
          @Override
          public byte[] toBytes(Long item) {
            throw new AssertionError("an array per item");
          }

          @Override
          public Long fromBytes(byte[] bytes) {
            throw new AssertionError("an array per item");
          }

          @Override
          public int fixedLength() {
            return Long.BYTES;
          }

          @Override
          public void write(Long item, ByteBuffer out) {
            LongItemSerializer.INSTANCE.write(item, out);
          }

          @Override
          public Long read(ByteBuffer in, int length) {
            return LongItemSerializer.INSTANCE.read(in, length);
          }
        };
    SplittableRandom seeds = new SplittableRandom(21);
    for (int trial = 0; trial < 50; trial++) {
      int k = 1 + seeds.nextInt(300);
      SkipReservoir<Long> reservoir = SkipReservoir.create(k, seeds.split());
      seeds.longs(seeds.nextInt(2_000)).forEach(reservoir::update);
      byte[] general = reservoir.toBytes(arraysOnly(LongItemSerializer.INSTANCE));
      assertThat(reservoir.toBytes(inPlaceOnly)).isEqualTo(general);
      assertThat(reservoir.toBytes(LongItemSerializer.INSTANCE)).isEqualTo(general);
      assertThat(SkipReservoir.fromBytes(general, inPlaceOnly)).isEqualTo(reservoir);
      assertThat(SkipReservoir.fromBytes(general, arraysOnly(LongItemSerializer.INSTANCE))).isEqualTo(reservoir);
      // LongItemSerializer reads the items as one run; the reservoir read goes on as one read item by item would.
      long seed = seeds.nextLong();
      SkipReservoir<Long> run =
          SkipReservoir.fromBytes(general, LongItemSerializer.INSTANCE, new SplittableRandom(seed));
      SkipReservoir<Long> itemByItem = SkipReservoir.fromBytes(general, inPlaceOnly, new SplittableRandom(seed));
      assertThat(run).isEqualTo(reservoir);
      long[] more = seeds.longs(seeds.nextInt(3 * k)).toArray();
      LongStream.of(more).forEach(run::update);
      LongStream.of(more).forEach(itemByItem::update);
      SkipReservoir<Long> other = SkipReservoir.create(1 + seeds.nextInt(300), seeds.split());
      seeds.longs(seeds.nextInt(2_000)).forEach(other::update);
      run.merge(other);
      itemByItem.merge(other);
      assertThat(run).isEqualTo(itemByItem);
    }
    // A big-endian buffer gets the same little-endian bytes.
    ByteBuffer bigEndian = ByteBuffer.allocate(8);
    LongItemSerializer.INSTANCE.write(0x0102030405060708L, bigEndian);
    assertThat(bigEndian.array()).containsExactly(8, 7, 6, 5, 4, 3, 2, 1);
    assertThat(LongItemSerializer.INSTANCE.read(bigEndian.flip(), 8)).isEqualTo(0x0102030405060708L);
  }

  @Test
  void aRunOfLongItemsIsReadAsItemByItemReadsWouldReadIt() {
    ByteBuffer items = ByteBuffer.allocate(5 + 3 * Long.BYTES + 2);
    items.position(5);
    long[] values = {Long.MIN_VALUE, -1, 0x0102030405060708L};
    for (long value : values) {
      LongItemSerializer.INSTANCE.write(value, items);
    }
    // A slice at a non-zero array offset, in big-endian order: the run reads the same little-endian bytes.
    ByteBuffer run = items.position(3).slice();
    run.position(2);
    assertThat(LongItemSerializer.INSTANCE.readFixedLengthRun(run, 3, Long.BYTES))
        .containsExactly(Long.MIN_VALUE, -1L, 0x0102030405060708L);
    assertThat(run.remaining()).isEqualTo(2);

    assertThatThrownBy(() -> LongItemSerializer.INSTANCE.readFixedLengthRun(run.position(2), 4, Long.BYTES))
        .isInstanceOf(SketchFormatException.class)
        .hasMessage("4 Long items do not fit in the 26 bytes left");
    assertThatThrownBy(() -> LongItemSerializer.INSTANCE.readFixedLengthRun(run.position(2), 3, 4))
        .isInstanceOf(SketchFormatException.class)
        .hasMessage("a Long item must be 8 bytes, not 4");
    byte[] shortItems = forged(1, 5, 0.5, 0, 1, 4, new byte[4]);
    assertThatThrownBy(() -> SkipReservoir.fromBytes(shortItems, LongItemSerializer.INSTANCE))
        .isInstanceOf(SketchFormatException.class)
        .hasMessage("a Long item must be 8 bytes, not 4");

    // Without an array to read, the run is left to item-by-item reads: nothing read.
    ByteBuffer direct = ByteBuffer.allocateDirect(Long.BYTES);
    assertThat(LongItemSerializer.INSTANCE.readFixedLengthRun(direct, 1, Long.BYTES)).isNull();
    assertThat(direct.position()).isZero();
  }

  @Test
  void anItemReadThatTakesTheWrongNumberOfBytesIsCorruption() {
    ItemSerializer<Long> shortReads =
        new ItemSerializer<>() {
          @Override
          public byte[] toBytes(Long item) {
            return LongItemSerializer.INSTANCE.toBytes(item);
          }

          @Override
          public Long fromBytes(byte[] bytes) {
            return LongItemSerializer.INSTANCE.fromBytes(bytes);
          }

          @Override
          public int fixedLength() {
            return Long.BYTES;
          }

          @Override
          public Long read(ByteBuffer in, int length) {
            return (long) in.getInt();
          }
        };
    byte[] bytes = fed(3, 0, 10, new SplittableRandom(2)).toBytes(LongItemSerializer.INSTANCE);
    assertThatThrownBy(() -> SkipReservoir.fromBytes(bytes, shortReads))
        .isInstanceOf(SketchFormatException.class)
        .hasMessageContaining("item 0 took 4 of its 8 bytes");
    assertThatThrownBy(() -> SkipReservoir.fromBytes(forged(1, 5, 0.5, 0, 1, 8, new byte[7]), LongItemSerializer.INSTANCE))
        .isInstanceOf(SketchFormatException.class)
        .hasMessageContaining("item count 1 does not fit in the 7 bytes left");
  }

  @Test
  void itemSerializersRoundTrip() {
    assertThat(LongItemSerializer.INSTANCE.fixedLength()).isEqualTo(8);
    assertThat(StringItemSerializer.INSTANCE.fixedLength()).isEqualTo(-1);
    for (long value : new long[] {0, 1, -1, Long.MIN_VALUE, Long.MAX_VALUE, 0x0102030405060708L}) {
      assertThat(LongItemSerializer.INSTANCE.fromBytes(LongItemSerializer.INSTANCE.toBytes(value))).isEqualTo(value);
    }
    assertThat(LongItemSerializer.INSTANCE.toBytes(0x0102030405060708L)).containsExactly(8, 7, 6, 5, 4, 3, 2, 1);
    assertThat(StringItemSerializer.INSTANCE.toBytes("é")).isEqualTo("é".getBytes(StandardCharsets.UTF_8));
    assertThat(StringItemSerializer.INSTANCE.fromBytes("ü𝄞".getBytes(StandardCharsets.UTF_8))).isEqualTo("ü𝄞");
  }

  private static Arguments scenario(String name, Function<RandomGenerator, SkipReservoir<Long>> build) {
    return Arguments.of(name, build);
  }

  /** A reservoir of k fed the items [from, to). */
  private static SkipReservoir<Long> fed(int k, long from, long to, RandomGenerator random) {
    SkipReservoir<Long> reservoir = SkipReservoir.create(k, random);
    LongStream.range(from, to).forEach(reservoir::update);
    return reservoir;
  }

  private static SkipReservoir<Long> merged(SkipReservoir<Long> a, SkipReservoir<Long> b) {
    a.merge(b);
    return a;
  }

  /** Feeds the rest of the 0..99 stream, from {@code from}. */
  private static SkipReservoir<Long> continued(SkipReservoir<Long> reservoir, long from) {
    LongStream.range(from, STREAM).forEach(reservoir::update);
    return reservoir;
  }

  private static void assertRejected(byte[] bytes, String message) {
    assertThatThrownBy(() -> SkipReservoir.fromBytes(bytes, LongItemSerializer.INSTANCE))
        .isInstanceOf(SketchFormatException.class)
        .hasMessageContaining(message);
  }

  private static byte[] item(long value) {
    byte[] bytes = new byte[12];
    bytes[0] = 8;
    System.arraycopy(LongItemSerializer.INSTANCE.toBytes(value), 0, bytes, 4, 8);
    return bytes;
  }

  private static byte[] lengthThen(int length, int bytesAfter) {
    byte[] bytes = new byte[4 + bytesAfter];
    for (int i = 0; i < 4; i++) {
      bytes[i] = (byte) (length >>> (8 * i));
    }
    return bytes;
  }

  private static byte[] forged(
      int k, long itemsSeen, double threshold, long itemsToSkip, int sampleSize, int itemLength, byte[]... items) {
    int itemBytes = Arrays.stream(items).mapToInt(item -> item.length).sum();
    SketchFormat.Writer writer = SketchFormat.writer(SketchFamily.SKIP_RESERVOIR, 1, 36 + itemBytes);
    writer.putInt(k).putLong(itemsSeen).putDouble(threshold).putLong(itemsToSkip).putInt(sampleSize);
    writer.putInt(itemLength);
    for (byte[] item : items) {
      writer.putBytes(item);
    }
    return writer.finish();
  }

  /** Delegates to a generator and counts its 64-bit draws, on which every other draw is built. */
  private static final class CountingRandom implements RandomGenerator {
    private final RandomGenerator delegate;
    private long draws;

    CountingRandom(RandomGenerator delegate) {
      this.delegate = delegate;
    }

    @Override
    public long nextLong() {
      draws++;
      return delegate.nextLong();
    }
  }
}
