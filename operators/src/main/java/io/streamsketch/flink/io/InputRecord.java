package io.streamsketch.flink.io;

import io.streamsketch.model.ClickEvent;
import io.streamsketch.model.DeadLetter;
import java.util.Objects;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * What a source that parses its input emits: either a valid event or a dead letter (the rejected line and why).
 * Parsing inside the source lets the source's {@link ClickEventWatermarks#forInputRecords watermarks} see the event
 * times per split or partition; {@link SplitInputRecords} then separates the two. A Flink POJO with exactly one
 * non-null field, serialized by its {@link #TYPE} (a {@code PojoSerializer}), never Kryo.
 */
public class InputRecord {
  public static final TypeInformation<InputRecord> TYPE = TypeInformation.of(InputRecord.class);

  /** The event, or null for a dead letter. */
  public ClickEvent event;

  /** The dead letter, or null for an event. */
  public DeadLetter deadLetter;

  public InputRecord() {}

  public static InputRecord event(ClickEvent event) {
    InputRecord record = new InputRecord();
    record.event = Objects.requireNonNull(event);
    return record;
  }

  public static InputRecord deadLetter(DeadLetter deadLetter) {
    InputRecord record = new InputRecord();
    record.deadLetter = Objects.requireNonNull(deadLetter);
    return record;
  }

  /** Parses one line (UTF-8 bytes, without its line break) into an event or a dead letter with the reason. */
  public static InputRecord parse(byte[] utf8) {
    try {
      return event(ClickEventParser.parse(utf8));
    } catch (MalformedEventException e) {
      return deadLetter(new DeadLetter(ClickEventParser.decodeForDisplay(utf8), e.getMessage()));
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof InputRecord that
        && Objects.equals(event, that.event)
        && Objects.equals(deadLetter, that.deadLetter);
  }

  @Override
  public int hashCode() {
    return Objects.hash(event, deadLetter);
  }

  @Override
  public String toString() {
    return event != null ? event.toString() : "dead letter " + deadLetter;
  }
}
