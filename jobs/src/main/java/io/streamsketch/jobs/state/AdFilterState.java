package io.streamsketch.jobs.state;

import io.streamsketch.flink.membership.FirstExposureOperator;
import io.streamsketch.sketch.bloom.BloomFilter;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.ValueState;

/** An ad's keyed state in first-exposure's Bloom filter operator, as a state reader or bootstrap function sees it. */
final class AdFilterState {
  final ValueState<BloomFilter> current;
  final ValueState<BloomFilter> previous;
  final ValueState<Long> insertions;

  AdFilterState(RuntimeContext context) {
    current = context.getState(FirstExposureOperator.CURRENT);
    previous = context.getState(FirstExposureOperator.PREVIOUS);
    insertions = context.getState(FirstExposureOperator.CURRENT_INSERTIONS);
  }
}
