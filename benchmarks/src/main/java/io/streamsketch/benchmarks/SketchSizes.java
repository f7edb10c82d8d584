package io.streamsketch.benchmarks;

import io.streamsketch.sketch.cms.CountMinSketch;
import io.streamsketch.sketch.hll.HyperLogLog;
import java.util.SplittableRandom;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;

/**
 * Prints, as markdown, the serialized sizes of our sketches and their baselines at equal accuracy: the same lgK for
 * HyperLogLog, the same width × depth for Count-Min. Run: {@code java -cp benchmarks/target/benchmarks.jar
 * io.streamsketch.benchmarks.SketchSizes}.
 */
public final class SketchSizes {
  private SketchSizes() {}

  public static void main(String[] args) throws Exception {
    System.out.println("| sketch | parameters | distinct items | ours (bytes) | baseline | baseline (bytes) |");
    System.out.println("|---|---|---|---|---|---|");
    for (int lgK : new int[] {10, 12, 14}) {
      for (int n : new int[] {100, 1_000_000}) {
        SplittableRandom random = new SplittableRandom(lgK);
        HyperLogLog ours = HyperLogLog.create(lgK);
        HllSketch hll8 = new HllSketch(lgK, TgtHllType.HLL_8);
        HllSketch hll6 = new HllSketch(lgK, TgtHllType.HLL_6);
        HllSketch hll4 = new HllSketch(lgK, TgtHllType.HLL_4);
        for (int i = 0; i < n; i++) {
          long item = random.nextLong();
          ours.update(item);
          hll8.update(item);
          hll6.update(item);
          hll4.update(item);
        }
        String parameters = "p = lgK = " + lgK + (ours.isSparse() ? " (ours sparse)" : " (ours dense)");
        for (var entry : new Object[][] {{"HLL_8", hll8}, {"HLL_6", hll6}, {"HLL_4", hll4}}) {
          System.out.printf(
              "| HyperLogLog | %s | %d | %d | DataSketches HllSketch %s compact | %d |%n",
              parameters, n, ours.serializedSizeBytes(), entry[0], ((HllSketch) entry[1]).toCompactByteArray().length);
        }
      }
    }
    for (int[] dimensions : new int[][] {{272, 5}, {2719, 5}}) {
      CountMinSketch ours = CountMinSketch.builder().dimensions(dimensions[0], dimensions[1]).build();
      var theirs = new com.clearspring.analytics.stream.frequency.CountMinSketch(dimensions[1], dimensions[0], 1);
      for (long i = 0; i < 100_000; i++) {
        ours.update(i, 1);
        theirs.add(i, 1);
      }
      System.out.printf(
          "| Count-Min | width %d × depth %d | 100000 | %d | stream-lib CountMinSketch | %d |%n",
          dimensions[0], dimensions[1], ours.serializedSizeBytes(),
          com.clearspring.analytics.stream.frequency.CountMinSketch.serialize(theirs).length);
    }
  }
}
