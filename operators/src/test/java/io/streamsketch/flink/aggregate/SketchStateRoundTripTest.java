package io.streamsketch.flink.aggregate;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsketch.sketch.quantiles.KllSketch;
import io.streamsketch.sketch.sampling.SkipReservoir;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.state.AggregatingState;
import org.apache.flink.api.common.state.AggregatingStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every sketch type in {@code ValueState} and {@code AggregatingState} survives a snapshot and a restore into a new
 * operator on the hashmap and on the RocksDB backend, with generic types disabled. (Window state is exercised on
 * RocksDB by the jobs' failure-injection test.)
 */
class SketchStateRoundTripTest {
  private static final String EMIT = "!emit";

  static Stream<Arguments> sketchesAndBackends() {
    List<Arguments> sketches =
        List.of(
            Arguments.of("hll", new HyperLogLogAggregate<String>(s -> s, 11), HyperLogLogAggregate.ACCUMULATOR_TYPE),
            Arguments.of(
                "cms", new CountMinAggregate<String>(s -> s, 0.01, 0.01, 3), CountMinAggregate.ACCUMULATOR_TYPE),
            Arguments.of(
                "heavy-hitters",
                new HeavyHittersAggregate<String>(s -> s, 5, 0.01, 0.01, 3),
                HeavyHittersAggregate.ACCUMULATOR_TYPE),
            Arguments.of(
                "kll", new KllAggregate<String>(s -> (double) s.hashCode(), 64, 3), KllAggregate.ACCUMULATOR_TYPE),
            Arguments.of(
                "reservoir",
                new ReservoirAggregate<>(8, 3, Types.STRING),
                new ReservoirAggregate<>(8, 3, Types.STRING).accumulatorType()));
    List<Supplier<StateBackend>> backends = List.of(HashMapStateBackend::new, EmbeddedRocksDBStateBackend::new);
    return sketches.stream()
        .flatMap(
            sketch ->
                backends.stream()
                    .map(
                        backend -> {
                          Object[] args = sketch.get();
                          return Arguments.of(args[0] + " on " + backend.get().getName(), args[1], args[2], backend);
                        }));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("sketchesAndBackends")
  <S> void aSketchInStateSurvivesASnapshotAndRestore(
      String name, AggregateFunction<String, S, S> aggregate, TypeInformation<S> type, Supplier<StateBackend> backend)
      throws Exception {
    List<String> first = IntStream.range(0, 3_000).mapToObj(i -> "item-" + (i * 7 % 1_000)).toList();
    List<String> second = IntStream.range(0, 2_000).mapToObj(i -> "item-" + (i * 13 % 1_500)).toList();

    OperatorSubtaskState snapshot;
    try (KeyedOneInputStreamOperatorTestHarness<String, String, S> before = harness(aggregate, type, backend)) {
      before.open();
      first.forEach(item -> process(before, item));
      snapshot = before.snapshot(1, 1);
    }
    List<S> restored;
    try (KeyedOneInputStreamOperatorTestHarness<String, String, S> after = harness(aggregate, type, backend)) {
      after.initializeState(snapshot);
      after.open();
      second.forEach(item -> process(after, item));
      process(after, EMIT);
      restored = after.extractOutputValues();
    }

    S expected = aggregate.createAccumulator();
    Stream.concat(first.stream(), second.stream()).forEach(item -> aggregate.add(item, expected));
    assertThat(restored).hasSize(2);
    for (S sketch : restored) {
      if (sketch instanceof SkipReservoir<?> reservoir) {
        // A restored reservoir continues with fresh random draws: check it, not equality.
        assertThat(reservoir.itemsSeen()).isEqualTo(first.size() + second.size());
        assertThat(reservoir.sample()).hasSize(8).allMatch(item -> first.contains(item) || second.contains(item));
      } else if (sketch instanceof KllSketch kll) {
        // Each accumulator of a keyed function draws its own seed: compare what a restore must keep.
        KllSketch expectedKll = (KllSketch) expected;
        assertThat(kll.n()).isEqualTo(first.size() + second.size());
        assertThat(kll.min()).isEqualTo(expectedKll.min());
        assertThat(kll.max()).isEqualTo(expectedKll.max());
        assertThat(kll.k()).isEqualTo(expectedKll.k());
      } else {
        assertThat(sketch).isEqualTo(expected);
      }
    }
  }

  private static <S> KeyedOneInputStreamOperatorTestHarness<String, String, S> harness(
      AggregateFunction<String, S, S> aggregate, TypeInformation<S> type, Supplier<StateBackend> backend)
      throws Exception {
    KeyedOneInputStreamOperatorTestHarness<String, String, S> harness =
        new KeyedOneInputStreamOperatorTestHarness<>(
            new KeyedProcessOperator<>(new SketchInState<>(aggregate, type)), item -> "key", Types.STRING);
    harness.setStateBackend(backend.get());
    SerializerConfigImpl config = (SerializerConfigImpl) harness.getExecutionConfig().getSerializerConfig();
    config.setGenericTypes(false);
    harness.setup(type.createSerializer(config));
    return harness;
  }

  private static void process(KeyedOneInputStreamOperatorTestHarness<String, String, ?> harness, String item) {
    try {
      harness.processElement(new StreamRecord<>(item, 0));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** Keeps one sketch in ValueState and one in AggregatingState; emits both on {@link #EMIT}. */
  private static final class SketchInState<S> extends KeyedProcessFunction<String, String, S> {
    private final AggregateFunction<String, S, S> aggregate;
    private final TypeInformation<S> type;
    private transient ValueState<S> value;
    private transient AggregatingState<String, S> aggregating;

    SketchInState(AggregateFunction<String, S, S> aggregate, TypeInformation<S> type) {
      this.aggregate = aggregate;
      this.type = type;
    }

    @Override
    public void open(OpenContext context) {
      value = getRuntimeContext().getState(new ValueStateDescriptor<>("value", type));
      aggregating = getRuntimeContext().getAggregatingState(new AggregatingStateDescriptor<>("aggregating", aggregate, type));
    }

    @Override
    public void processElement(String item, Context context, Collector<S> out) throws Exception {
      if (item.equals(EMIT)) {
        out.collect(value.value());
        out.collect(aggregating.get());
        return;
      }
      S sketch = value.value() == null ? aggregate.createAccumulator() : value.value();
      value.update(aggregate.add(item, sketch));
      aggregating.add(item);
    }
  }
}
