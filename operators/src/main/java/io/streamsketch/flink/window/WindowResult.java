package io.streamsketch.flink.window;

import java.io.Serializable;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;

/**
 * The record of one firing of a key's window, from the window's aggregate: {@code firing} is 0 at the watermark, then
 * 1, 2, ... for each update that a late element within the allowed lateness triggers, so the highest firing stands.
 */
@FunctionalInterface
public interface WindowResult<K, ACC, OUT> extends Serializable {
  /** {@code accumulator} is the operator's own and must not be kept or changed. */
  OUT result(K key, TimeWindow window, ACC accumulator, int firing);
}
