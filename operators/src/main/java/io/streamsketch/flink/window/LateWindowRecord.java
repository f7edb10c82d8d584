package io.streamsketch.flink.window;

import io.streamsketch.model.ClickEvent;
import io.streamsketch.model.LateEvent;
import java.io.Serializable;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;

/** The late-output record of an element that a window did not count because it came after the allowed lateness. */
@FunctionalInterface
public interface LateWindowRecord<IN, L> extends Serializable {
  L of(IN element, TimeWindow window);

  /** A {@link LateEvent} naming the window the event missed, for {@link LateWindowRouter#LATE_WINDOWS}. */
  static LateWindowRecord<ClickEvent, LateEvent> lateEvent() {
    return (event, window) -> new LateEvent(event, window.getStart(), window.getEnd());
  }
}
