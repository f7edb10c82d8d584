package io.streamsketch.flink.io;

import io.streamsketch.model.ClickEvent;
import io.streamsketch.model.DeadLetter;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.util.OutputTag;

/** The side outputs every job may produce: nothing is dropped silently. */
public final class SideOutputs {
  /** Input lines that are not valid events. */
  public static final OutputTag<DeadLetter> DEAD_LETTERS =
      new OutputTag<>("dead-letters", TypeInformation.of(DeadLetter.class));

  /** Events behind the watermark by more than the allowed lateness. */
  public static final OutputTag<ClickEvent> LATE_EVENTS =
      new OutputTag<>("late-events", TypeInformation.of(ClickEvent.class));

  private SideOutputs() {}
}
