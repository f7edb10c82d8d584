package io.streamsketch.flink.aggregate;

import io.streamsketch.sketch.hash.MurmurHash3;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * An {@link org.apache.flink.api.common.functions.AggregateFunction} whose accumulators draw random numbers, such as
 * {@link ReservoirAggregate}. Every subtask runs its own copy of the function, so accumulators seeded from the
 * function's seed alone would make the same draws on every subtask, and merging them would correlate the result
 * (two reservoirs of equal-length streams would keep the same positions). {@link LocalWindowAggregator} therefore
 * creates each accumulator with where it is created, which no two of its accumulators share in a run.
 */
public interface RandomizedAggregate<ACC> {
  /**
   * An empty accumulator whose random draws are its own.
   *
   * @param key the key of the accumulator's partial (partials of several keys may be merged into one)
   * @param subtask the index of the subtask that creates it
   * @param attempt the subtask's attempt number (a restarted subtask makes new draws for replayed events)
   * @param flush how many times the subtask has flushed its partials before (a window's later partials draw anew)
   * @param windowStart the start of the accumulator's window
   */
  ACC createAccumulator(String key, int subtask, int attempt, long flush, long windowStart);

  /**
   * The seed of an accumulator created by {@link #createAccumulator(String, int, int, long, long)}: MurmurHash3 (first
   * half), with the function's {@code seed}, of subtask, attempt, flush and window start (24 bytes) followed by the
   * key's UTF-8 bytes.
   */
  static long scopedSeed(long seed, String key, int subtask, int attempt, long flush, long windowStart) {
    byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
    byte[] scope =
        ByteBuffer.allocate(24 + keyBytes.length)
            .putInt(subtask)
            .putInt(attempt)
            .putLong(flush)
            .putLong(windowStart)
            .put(keyBytes)
            .array();
    return MurmurHash3.hash128(scope, seed).h1();
  }
}
