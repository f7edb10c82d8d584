package io.streamsketch.flink.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link WriteBackTimerService} against the timer service it wraps: an operator registers and deletes timers of 10
 * keys and 2 namespaces from a seeded stream with watermarks, through snapshots (some restored, some not) and, with a
 * small bound, moves of everything held to the service. Each timer fires once, with its key current, in time order,
 * as the plain service fires them; none is left at the end.
 */
class WriteBackTimerServiceTest {
  static Stream<Arguments> configurations() {
    return WriteBackTests.backendsAndBounds(3, "timers");
  }

  /**
   * Registers the timer of each element "key namespace time", or deletes it for "key namespace time delete"; writes
   * "time key namespace" for each firing, and fails if the timer's key is not the current one.
   */
  private static final class TimerOperator extends AbstractStreamOperator<String>
      implements OneInputStreamOperator<String, String>, Triggerable<String, String> {
    private final int maxHeldTimers; // 0: the service itself
    private transient boolean restored;
    private transient InternalTimerService<String> timers;
    private transient WriteBackTimerService<String, String> held;

    TimerOperator(int maxHeldTimers) {
      this.maxHeldTimers = maxHeldTimers;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
      super.initializeState(context);
      restored = context.isRestored();
    }

    @Override
    public void open() throws Exception {
      super.open();
      timers = getInternalTimerService("timers", StringSerializer.INSTANCE, this);
      if (maxHeldTimers > 0) {
        held = new WriteBackTimerService<>(timers, this, () -> (String) getCurrentKey(), this::setCurrentKey, maxHeldTimers);
        if (restored) {
          held.boundByServiceTimers();
        }
        timers = held;
      }
    }

    @Override
    public void processElement(StreamRecord<String> element) {
      String[] fields = element.getValue().split(" ");
      if (fields.length == 4) {
        timers.deleteEventTimeTimer(fields[1], Long.parseLong(fields[2]));
      } else {
        timers.registerEventTimeTimer(fields[1], Long.parseLong(fields[2]));
      }
      if (held != null) {
        held.moveAllToServiceIfOverBound();
      }
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
      if (held != null) {
        held.fireUpTo(mark.getTimestamp(), time -> timeServiceManager.advanceWatermark(new Watermark(time)));
      }
      super.processWatermark(mark);
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
      if (held != null) {
        held.writeToService();
      }
      super.prepareSnapshotPreBarrier(checkpointId);
    }

    @Override
    public void onEventTime(InternalTimer<String, String> timer) {
      assertThat(getCurrentKey()).as("current key of a firing").isEqualTo(timer.getKey());
      output.collect(new StreamRecord<>(timer.getTimestamp() + " " + timer.getKey() + " " + timer.getNamespace()));
    }

    @Override
    public void onProcessingTime(InternalTimer<String, String> timer) {}
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("configurations")
  void firesEachTimerOnceInTimeOrderAsTheServiceThroughSnapshotsAndRestores(
      String name, Supplier<StateBackend> backend, int maxHeldTimers) throws Exception {
    List<String> ours = run(maxHeldTimers, backend);
    List<String> services = run(0, backend);
    assertThat(services).as("firings").hasSizeGreaterThan(1_000);
    assertThat(ours).containsExactlyInAnyOrderElementsOf(services);
  }

  @Test
  void onRocksDbTheTimersReachTheServiceAtTheBarrierAndFireOnce() throws Exception {
    KeyedOneInputStreamOperatorTestHarness<String, String, String> harness = open(100, EmbeddedRocksDBStateBackend::new, null);
    harness.processElement(new StreamRecord<>("k1 a 5000"));
    harness.processElement(new StreamRecord<>("k2 a 6000"));
    harness.processElement(new StreamRecord<>("k2 a 6000"));
    assertThat(harness.numEventTimeTimers()).as("timers in the service before the barrier").isZero();
    harness.prepareSnapshotPreBarrier(1);
    assertThat(harness.numEventTimeTimers()).as("after it").isEqualTo(2);
    harness.processElement(new StreamRecord<>("k1 a 5000 delete"));
    assertThat(harness.numEventTimeTimers()).as("after a delete").isEqualTo(1);
    harness.processWatermark(new Watermark(10_000));
    assertThat(harness.extractOutputValues()).containsExactly("6000 k2 a");
    assertThat(harness.numEventTimeTimers()).as("after the firing").isZero();
    harness.close();
  }

  @Test
  void aTimerRestoredInTheServiceIsNotHeldTwice() throws Exception {
    KeyedOneInputStreamOperatorTestHarness<String, String, String> harness = open(100, EmbeddedRocksDBStateBackend::new, null);
    harness.processElement(new StreamRecord<>("k1 a 5000"));
    harness.prepareSnapshotPreBarrier(1);
    OperatorSubtaskState snapshot = harness.snapshot(1, 1);
    harness.close();
    harness = open(100, EmbeddedRocksDBStateBackend::new, snapshot);
    harness.processElement(new StreamRecord<>("k1 a 5000"));
    harness.processElement(new StreamRecord<>("k1 a 4000"));
    harness.processElement(new StreamRecord<>("k1 a 7000"));
    harness.processWatermark(new Watermark(10_000));
    assertThat(harness.extractOutputValues()).containsExactly("4000 k1 a", "5000 k1 a", "7000 k1 a");
    harness.close();
  }

  private static List<String> run(int maxHeldTimers, Supplier<StateBackend> backend) throws Exception {
    Random random = new Random(17);
    List<String> output = new ArrayList<>();
    List<String> registered = new ArrayList<>();
    KeyedOneInputStreamOperatorTestHarness<String, String, String> harness = open(maxHeldTimers, backend, null);
    long maxTime = 1_000_000;
    long watermark = Long.MIN_VALUE;
    for (int id = 0; id < 5_000; id++) {
      maxTime += random.nextInt(300);
      if (random.nextInt(8) == 0 && !registered.isEmpty()) {
        harness.processElement(new StreamRecord<>(registered.get(random.nextInt(registered.size())) + " delete"));
      } else {
        // Some behind the watermark: they fire at the next one.
        String timer = "k" + random.nextInt(10) + " " + (random.nextBoolean() ? "a" : "b") + " " + (maxTime - random.nextInt(4_000) + random.nextInt(6_000));
        registered.add(timer);
        harness.processElement(new StreamRecord<>(timer));
      }
      if (maxTime - 2_000 > watermark + 500) {
        watermark = maxTime - 2_000;
        fire(harness, watermark, output);
      }
      OperatorSubtaskState snapshot = WriteBackTests.checkpoint(harness, id);
      if (snapshot != null) {
        harness.close();
        harness = open(maxHeldTimers, backend, snapshot);
        fire(harness, watermark, output);
      }
    }
    fire(harness, Long.MAX_VALUE, output);
    assertThat(harness.numEventTimeTimers()).as("event-time timers").isZero();
    harness.close();
    return output;
  }

  /** Sends the watermark and adds its firings to {@code output}, checking that they are in time order. */
  private static void fire(KeyedOneInputStreamOperatorTestHarness<String, String, String> harness, long watermark, List<String> output)
      throws Exception {
    int before = harness.extractOutputValues().size();
    harness.processWatermark(new Watermark(watermark));
    List<String> firings = harness.extractOutputValues().subList(before, harness.extractOutputValues().size());
    List<Long> times = firings.stream().map(firing -> Long.parseLong(firing.substring(0, firing.indexOf(' ')))).toList();
    assertThat(times).as("times fired by one watermark").isSorted().allMatch(time -> time <= watermark);
    output.addAll(firings);
  }

  private static KeyedOneInputStreamOperatorTestHarness<String, String, String> open(
      int maxHeldTimers, Supplier<StateBackend> backend, OperatorSubtaskState restored) throws Exception {
    KeyedOneInputStreamOperatorTestHarness<String, String, String> harness =
        new KeyedOneInputStreamOperatorTestHarness<>(
            new TimerOperator(maxHeldTimers), element -> element.substring(0, element.indexOf(' ')), Types.STRING);
    harness.setStateBackend(backend.get());
    if (restored != null) {
      harness.initializeState(restored);
    }
    harness.open();
    return harness;
  }
}
