package io.streamsketch.jobs.verify;

import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;

/**
 * The accumulator of a verify window: the exact side ({@code events}, and {@code exactCounts} per user or page) and
 * a DataSketches sketch in its serialized form, so it needs no serializer beyond a POJO's with explicit field types.
 */
public class WindowCheck {
  /** The POJO type with explicit field types (generic types are disabled). */
  public static final TypeInformation<WindowCheck> TYPE =
      Types.POJO(
          WindowCheck.class,
          Map.of(
              "events", Types.LONG,
              "exactCounts", Types.MAP(Types.STRING, Types.LONG),
              "datasketches", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));

  /** The window's events: the exact count the sample job reports as {@code itemsSeen}. */
  public long events;
  /** Views per user (unique-visitors: its size is the exact distinct count) or per page (top-pages). */
  public Map<String, Long> exactCounts = new HashMap<>();
  /** The DataSketches sketch, as its own {@code toByteArray} form; null before the first event. */
  public byte[] datasketches;

  public WindowCheck() {}
}
