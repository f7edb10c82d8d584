package io.streamsketch.flink.aggregate;

import org.apache.flink.api.common.functions.AggregateFunction;

/** The global half's aggregate: merges each {@link WindowPartial}'s accumulator with the function's own merge. */
final class MergePartials<ACC> implements AggregateFunction<WindowPartial<ACC>, ACC, ACC> {
  private static final long serialVersionUID = 1L;

  private final AggregateFunction<?, ACC, ?> aggregate;

  MergePartials(AggregateFunction<?, ACC, ?> aggregate) {
    this.aggregate = aggregate;
  }

  @Override
  public ACC createAccumulator() {
    return aggregate.createAccumulator();
  }

  @Override
  public ACC add(WindowPartial<ACC> partial, ACC accumulator) {
    return aggregate.merge(accumulator, partial.accumulator);
  }

  @Override
  public ACC getResult(ACC accumulator) {
    return accumulator;
  }

  @Override
  public ACC merge(ACC a, ACC b) {
    return aggregate.merge(a, b);
  }
}
