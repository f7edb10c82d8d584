package io.streamsketch.flink.window;

import java.io.Serializable;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;

/** The late-output record of an element that a window did not count because it came after the allowed lateness. */
@FunctionalInterface
public interface LateWindowRecord<IN, L> extends Serializable {
  L of(IN element, TimeWindow window);
}
