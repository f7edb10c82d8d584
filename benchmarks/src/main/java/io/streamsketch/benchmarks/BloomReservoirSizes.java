package io.streamsketch.benchmarks;

import io.streamsketch.sketch.bloom.BloomFilter;
import io.streamsketch.sketch.sampling.LongItemSerializer;
import io.streamsketch.sketch.sampling.SkipReservoir;
import java.util.SplittableRandom;
import org.apache.datasketches.common.ArrayOfLongsSerDe;
import org.apache.datasketches.filters.bloomfilter.BloomFilterBuilder;
import org.apache.datasketches.sampling.ReservoirItemsSketch;

/**
 * Prints serialized sizes at equal accuracy, ours against DataSketches', as a Markdown table: Bloom filters with the
 * same bits and hashes, and full reservoirs of k {@code Long} items.
 *
 * <p>{@code java -cp benchmarks/target/benchmarks.jar io.streamsketch.benchmarks.BloomReservoirSizes}
 */
public final class BloomReservoirSizes {
  private BloomReservoirSizes() {}

  public static void main(String[] args) {
    System.out.println("| sketch | parameters | ours (bytes) | DataSketches (bytes) | ours / theirs |");
    System.out.println("|---|---|---:|---:|---:|");
    for (long items : new long[] {100_000, 1_000_000}) {
      for (double rate : new double[] {0.01, 0.001}) {
        BloomFilter ours = BloomFilter.forExpectedItems(items, rate, 1);
        org.apache.datasketches.filters.bloomfilter.BloomFilter theirs =
            BloomFilterBuilder.createBySize(ours.numBits(), ours.numHashes(), 1);
        // Filled to capacity: DataSketches writes an empty filter without its bit array.
        for (long i = 0; i < items; i++) {
          ours.add(i);
          theirs.update(i);
        }
        row("Bloom filter", "n " + items + ", p " + rate + " (" + ours.numBits() + " bits, " + ours.numHashes()
            + " hashes)", ours.toBytes().length, theirs.toByteArray().length);
      }
    }
    for (int k : new int[] {100, 1_000}) {
      SkipReservoir<Long> ours = SkipReservoir.create(k, new SplittableRandom(1));
      ReservoirItemsSketch<Long> theirs = ReservoirItemsSketch.newInstance(k);
      for (long i = 0; i < 1_000_000; i++) {
        ours.update(i);
        theirs.update(i);
      }
      row("reservoir", "k " + k + " Long items, n 10^6", ours.toBytes(LongItemSerializer.INSTANCE).length,
          theirs.toByteArray(new ArrayOfLongsSerDe()).length);
    }
  }

  private static void row(String sketch, String parameters, long ours, long theirs) {
    System.out.printf("| %s | %s | %d | %d | %.3f |%n", sketch, parameters, ours, theirs, (double) ours / theirs);
  }
}
