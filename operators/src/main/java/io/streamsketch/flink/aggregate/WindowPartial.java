package io.streamsketch.flink.aggregate;

import io.streamsketch.model.OutputRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.PojoField;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;

/**
 * A partial accumulator from {@link LocalWindowAggregator}: the events of one key in one window that one subtask saw
 * since its last flush. A Flink POJO; its type information is built by {@link #typeInfo} because the accumulator's
 * type is a type parameter that Flink cannot infer.
 */
public class WindowPartial<ACC> implements OutputRecord {
  public String key;
  /** Inclusive, epoch milliseconds. */
  public long windowStart;
  /** Exclusive, epoch milliseconds. */
  public long windowEnd;
  /** How many events the accumulator holds, so a partial that arrives too late is still counted. */
  public long events;

  public ACC accumulator;

  /**
   * Whether this partial merges the partials of every key of its window on one subtask and flush (see {@link
   * LocalWindowAggregator}'s all-keys partials), rather than holding one key's events.
   */
  public boolean allKeys;

  public WindowPartial() {}

  public WindowPartial(String key, long windowStart, long windowEnd, long events, ACC accumulator) {
    this.key = key;
    this.windowStart = windowStart;
    this.windowEnd = windowEnd;
    this.events = events;
    this.accumulator = accumulator;
  }

  /** The POJO type information of partials whose accumulators have type {@code accumulatorType}. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public static <ACC> TypeInformation<WindowPartial<ACC>> typeInfo(TypeInformation<ACC> accumulatorType) {
    List<PojoField> fields = new ArrayList<>();
    try {
      fields.add(new PojoField(WindowPartial.class.getField("key"), Types.STRING));
      fields.add(new PojoField(WindowPartial.class.getField("windowStart"), Types.LONG));
      fields.add(new PojoField(WindowPartial.class.getField("windowEnd"), Types.LONG));
      fields.add(new PojoField(WindowPartial.class.getField("events"), Types.LONG));
      fields.add(new PojoField(WindowPartial.class.getField("accumulator"), accumulatorType));
      fields.add(new PojoField(WindowPartial.class.getField("allKeys"), Types.BOOLEAN));
    } catch (NoSuchFieldException e) {
      throw new IllegalStateException(e);
    }
    return new PojoTypeInfo<>((Class) WindowPartial.class, fields);
  }

  @Override
  public String key() {
    return key + "@" + windowStart;
  }

  /** A partial's JSON, for the late-partials output: what was lost, without the accumulator's bytes. */
  @Override
  public String toJson() {
    io.streamsketch.model.Json json =
        io.streamsketch.model.Json.object()
            .field("key", key)
            .field("windowStart", windowStart)
            .field("windowEnd", windowEnd)
            .field("events", events);
    return (allKeys ? json.field("allKeys", true) : json).toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof WindowPartial<?> that
        && windowStart == that.windowStart
        && windowEnd == that.windowEnd
        && events == that.events
        && allKeys == that.allKeys
        && Objects.equals(key, that.key)
        && Objects.equals(accumulator, that.accumulator);
  }

  @Override
  public int hashCode() {
    return Objects.hash(key, windowStart, windowEnd, events);
  }

  @Override
  public String toString() {
    return toJson();
  }
}
