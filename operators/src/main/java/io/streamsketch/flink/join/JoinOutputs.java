package io.streamsketch.flink.join;

import io.streamsketch.model.ClickEvent;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.util.OutputTag;

/** The side outputs of the dimension joins: facts that are not joined are written and counted, never dropped. */
public final class JoinOutputs {
  /** Inner join: facts whose page has no row in the dimension. */
  public static final OutputTag<ClickEvent> UNMATCHED_FACTS =
      new OutputTag<>("unmatched-facts", TypeInformation.of(ClickEvent.class));

  /** Keyed dimension: facts that found their page's waiting buffer full. Their page may well have a row. */
  public static final OutputTag<ClickEvent> WAITING_OVERFLOW =
      new OutputTag<>("waiting-overflow", TypeInformation.of(ClickEvent.class));

  private JoinOutputs() {}
}
