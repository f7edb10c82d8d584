package io.streamsketch.jobs.firstexposure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamsketch.jobs.firstexposure.FirstExposureJob.Settings;
import io.streamsketch.sketch.bloom.BloomFilter;
import org.junit.jupiter.api.Test;

class FirstExposureSettingsTest {
  private static final long MIB = 1L << 20;
  private static final long GIB = 1L << 30;

  @Test
  void theHeapOfASubtaskIsTwoGenerationsPerCachedAd() {
    Settings defaults = Settings.defaults();
    assertThat(defaults.filterBytes()).isEqualTo(BloomFilter.optimalNumBits(10_000, 0.01) / 8).isBetween(11_000L, 12_500L);
    assertThat(defaults.heapBytesPerSubtask()).isEqualTo(1_000 * 2 * defaults.filterBytes());
    assertThat(new Settings(10_000, 0.01, 1_000, true, false).heapBytesPerSubtask()).isZero();
  }

  @Test
  void theDefaultsFitASmallHeap() {
    Settings.defaults().requireHeap(2, 256 * MIB);
  }

  @Test
  void filtersBeyondHalfTheHeapFailSayingWhatTheyNeedAndWhatReducesIt() {
    Settings huge = new Settings(50_000_000, 0.01, 1_000, false, false);
    assertThatThrownBy(() -> huge.requireHeap(2, 6 * GIB))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("the Bloom filters may need 223.2 GiB of heap (2 subtask(s) x 1,000 cached ads x 2")
        .hasMessageContaining("57.1 MiB at --capacity 50000000 and --fpp 0.01")
        .hasMessageContaining("more than half of the 6.0 GiB heap")
        .hasMessageContaining("lower --cache-ads or --capacity, raise --fpp, lower --parallelism")
        .hasMessageContaining("-Xmx");
    // Just within half the heap passes; one subtask more does not.
    Settings small = new Settings(100_000, 0.01, 100, false, false);
    long perSubtask = small.heapBytesPerSubtask();
    small.requireHeap(4, 8 * perSubtask);
    assertThatThrownBy(() -> small.requireHeap(5, 8 * perSubtask)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void sizesBeyondALongStillFailWithAMessage() {
    Settings enormous = new Settings(100_000_000, 0.001, Integer.MAX_VALUE, false, false);
    assertThatThrownBy(() -> enormous.requireHeap(1024, 6 * GIB)).hasMessageStartingWith("the Bloom filters may need");
  }
}
