package io.streamsketch.flink.window;

import java.io.Serializable;
import java.time.Duration;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;

/**
 * Sliding (or, with {@code slide == size}, tumbling) event-time windows cut into panes of {@code gcd(size, slide)}:
 * every window is a whole number of panes and every timestamp of a pane has the same windows, so a window's aggregate
 * is the merge of its panes' aggregates. The windows are Flink's {@code SlidingEventTimeWindows} / {@code
 * TumblingEventTimeWindows} with offset 0: {@code [k·slide, k·slide + size)}.
 */
public final class PaneWindows implements Serializable {
  private static final long serialVersionUID = 1L;

  private final long size;
  private final long slide;
  private final long pane;

  private PaneWindows(long size, long slide) {
    if (size <= 0 || slide <= 0) {
      throw new IllegalArgumentException("window size and slide must be positive: size " + size + " ms, slide " + slide + " ms");
    }
    if (slide > size) {
      throw new IllegalArgumentException("the slide (" + slide + " ms) must not be longer than the window (" + size + " ms)");
    }
    this.size = size;
    this.slide = slide;
    this.pane = gcd(size, slide);
  }

  public static PaneWindows tumbling(Duration size) {
    return new PaneWindows(size.toMillis(), size.toMillis());
  }

  public static PaneWindows sliding(Duration size, Duration slide) {
    return new PaneWindows(size.toMillis(), slide.toMillis());
  }

  public long size() {
    return size;
  }

  public long slide() {
    return slide;
  }

  /** The pane length, gcd(size, slide). */
  public long pane() {
    return pane;
  }

  /** The start of the pane that holds {@code timestamp}. */
  public long paneStart(long timestamp) {
    return TimeWindow.getWindowStartWithOffset(timestamp, 0, pane);
  }

  /** The start of the latest window that holds {@code timestamp}; the others start {@code slide} apart before it. */
  public long lastWindowStart(long timestamp) {
    return TimeWindow.getWindowStartWithOffset(timestamp, 0, slide);
  }

  /** The windows of {@code timestamp}, latest first (the order of Flink's sliding assigner). */
  public TimeWindow[] windowsOf(long timestamp) {
    long last = lastWindowStart(timestamp);
    int count = (int) ((last - (timestamp - size)) / slide) + ((last - (timestamp - size)) % slide == 0 ? 0 : 1);
    TimeWindow[] windows = new TimeWindow[count];
    long start = last;
    for (int i = 0; i < count; i++, start -= slide) {
      windows[i] = new TimeWindow(start, start + size);
    }
    return windows;
  }

  private static long gcd(long a, long b) {
    return b == 0 ? a : gcd(b, a % b);
  }

  @Override
  public String toString() {
    return "PaneWindows(size " + size + " ms, slide " + slide + " ms, pane " + pane + " ms)";
  }
}
