package io.streamsketch.flink.membership;

import io.streamsketch.model.AdExposure;
import io.streamsketch.model.ClickEvent;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The exact equivalent of {@link FirstExposureOperator}, for comparison: keyed by ad, it keeps every user that saw
 * the ad in a {@code MapState}, so it never forgets and never errs, and its state grows with the distinct (ad, user)
 * pairs. Each impression costs one small state read, and a write for a first exposure.
 */
public final class ExactFirstExposure extends KeyedProcessFunction<String, ClickEvent, AdExposure> {
  private static final long serialVersionUID = 1L;

  static final MapStateDescriptor<String, Boolean> USERS =
      new MapStateDescriptor<>("users", Types.STRING, Types.BOOLEAN);

  private transient MapState<String, Boolean> users;

  @Override
  public void open(OpenContext openContext) {
    users = getRuntimeContext().getMapState(USERS);
  }

  @Override
  public void processElement(ClickEvent event, Context context, Collector<AdExposure> out) throws Exception {
    boolean seen = users.contains(event.userId);
    if (!seen) {
      users.put(event.userId, Boolean.TRUE);
    }
    out.collect(new AdExposure(event.eventId, event.userId, event.adId, event.eventTime, seen, 0.0));
  }
}
