package io.streamsketch.flink.aggregate;

import java.util.Collection;
import java.util.List;
import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.streaming.api.windowing.assigners.WindowAssigner;
import org.apache.flink.streaming.api.windowing.triggers.EventTimeTrigger;
import org.apache.flink.streaming.api.windowing.triggers.Trigger;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;

/**
 * Assigns each {@link WindowPartial} to exactly the window it was aggregated for (a sliding window's partial must not
 * be re-assigned to the other windows that overlap its timestamp). Fires at the watermark, like the original windows.
 */
final class PartialWindows extends WindowAssigner<Object, TimeWindow> {
  private static final long serialVersionUID = 1L;

  @Override
  public Collection<TimeWindow> assignWindows(Object element, long timestamp, WindowAssignerContext context) {
    WindowPartial<?> partial = (WindowPartial<?>) element;
    return List.of(new TimeWindow(partial.windowStart, partial.windowEnd));
  }

  @Override
  public Trigger<Object, TimeWindow> getDefaultTrigger() {
    return EventTimeTrigger.create();
  }

  @Override
  public TypeSerializer<TimeWindow> getWindowSerializer(ExecutionConfig executionConfig) {
    return new TimeWindow.Serializer();
  }

  @Override
  public boolean isEventTime() {
    return true;
  }

  @Override
  public String toString() {
    return "PartialWindows()";
  }
}
