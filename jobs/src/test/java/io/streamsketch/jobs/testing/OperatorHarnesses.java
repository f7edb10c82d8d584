package io.streamsketch.jobs.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsketch.model.ClickEvent;
import io.streamsketch.model.EventKind;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.dag.Transformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.operators.StreamOperatorFactory;
import org.apache.flink.streaming.api.transformations.OneInputTransformation;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;

/** Takes a job's operators out of the graph its {@code build} wires, for operator test harnesses, and checks them. */
public final class OperatorHarnesses {
  private OperatorHarnesses() {}

  /** An input to pass to a job's {@code build} for its graph only: the graph is never executed. */
  public static DataStream<ClickEvent> graphInput() {
    return StreamExecutionEnvironment.getExecutionEnvironment()
        .fromData(
            TypeInformation.of(ClickEvent.class), new ClickEvent(0, "u0", "p0", EventKind.VIEW, null, 0));
  }

  /** The operator of a one-input transformation, such as a window or process step of a built job. */
  @SuppressWarnings("unchecked")
  public static <I, O> StreamOperatorFactory<O> operatorFactory(Transformation<?> transformation) {
    return ((OneInputTransformation<I, O>) transformation).getOperatorFactory();
  }

  /** The end of every harness test of a keyed operator: no keyed state and no event-time timer left. */
  public static void assertNothingLeft(KeyedOneInputStreamOperatorTestHarness<?, ?, ?> harness) {
    assertNothingLeft(harness.numKeyedStateEntries(), harness);
  }

  /** The same for a keyed two-input operator. */
  public static void assertNothingLeft(KeyedTwoInputStreamOperatorTestHarness<?, ?, ?, ?> harness) {
    assertNothingLeft(harness.numKeyedStateEntries(), harness);
  }

  private static void assertNothingLeft(int keyedStateEntries, AbstractStreamOperatorTestHarness<?> harness) {
    assertThat(keyedStateEntries).as("keyed state entries").isZero();
    assertThat(harness.numEventTimeTimers()).as("event-time timers").isZero();
  }
}
