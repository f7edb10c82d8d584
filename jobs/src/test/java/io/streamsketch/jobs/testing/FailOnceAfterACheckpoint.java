package io.streamsketch.jobs.testing;

import io.streamsketch.model.ClickEvent;
import java.io.Serializable;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;

/**
 * Injects one failure: in the first attempt of subtask 0, after {@code afterRecords} records and a completed
 * checkpoint, it runs an optional action and throws. Each failure is counted under the injector's name, read with
 * {@link #failures}: the test and the MiniCluster share the JVM. {@link #recordsAtACompletedCheckpoint} tells how far
 * the first attempt had got at its latest completed checkpoint: where a restore after the failure starts at least.
 */
public final class FailOnceAfterACheckpoint extends RichMapFunction<ClickEvent, ClickEvent>
    implements CheckpointListener, CheckpointedFunction {
  private static final long serialVersionUID = 1L;
  private static final ConcurrentHashMap<String, AtomicInteger> FAILURES = new ConcurrentHashMap<>();
  private static final ConcurrentHashMap<String, AtomicLong> CHECKPOINTED = new ConcurrentHashMap<>();
  private static final Duration WAITING_DELAY_PER_RECORD = Duration.ofMillis(10);

  /** What to do just before the failure; shipped with the job, so serializable. */
  public interface Action extends Serializable {
    void run() throws Exception;
  }

  /**
   * Whether the failure may come yet; asked on each record once the other conditions hold. It must not block: the
   * task thread waiting would also stop what it waits for, such as the source's offset commits.
   */
  public interface Readiness extends Serializable {
    boolean ready();
  }

  private final String name;
  private final long afterRecords;
  private final Duration delayPerRecord;
  private final Readiness readiness;
  private final Action beforeFailure;
  private final boolean onCheckpointComplete;
  private transient boolean armed;
  private transient boolean checkpointed;
  private transient long records;
  private transient Map<Long, Long> recordsAtCheckpoint;

  private FailOnceAfterACheckpoint(
      String name,
      long afterRecords,
      Duration delayPerRecord,
      Readiness readiness,
      Action beforeFailure,
      boolean onCheckpointComplete) {
    this.name = name;
    this.afterRecords = afterRecords;
    this.delayPerRecord = delayPerRecord;
    this.readiness = readiness;
    this.beforeFailure = beforeFailure;
    this.onCheckpointComplete = onCheckpointComplete;
  }

  /** Fails after {@code afterRecords} records (Long.MAX_VALUE: never); resets the count of {@code name}. */
  public static FailOnceAfterACheckpoint named(String name, long afterRecords) {
    return named(name, afterRecords, Duration.ZERO, () -> {});
  }

  /**
   * As {@link #named(String, long)}, and until it fails, slows each record by {@code delayPerRecord} (a rate, so
   * that checkpoints complete among the records of a fast source) and runs {@code beforeFailure} just before.
   */
  public static FailOnceAfterACheckpoint named(
      String name, long afterRecords, Duration delayPerRecord, Action beforeFailure) {
    return named(name, afterRecords, delayPerRecord, () -> true, beforeFailure);
  }

  /**
   * As {@link #named(String, long, Duration, Action)}, and fails only on a record that finds {@code readiness}
   * ready; records go on, slowed, until then.
   */
  public static FailOnceAfterACheckpoint named(
      String name, long afterRecords, Duration delayPerRecord, Readiness readiness, Action beforeFailure) {
    failures(name).set(0);
    recordsAtACompletedCheckpoint(name).set(-1);
    return new FailOnceAfterACheckpoint(name, afterRecords, delayPerRecord, readiness, beforeFailure, false);
  }

  /**
   * Fails when the first checkpoint whose barrier came after at least {@code afterRecords} records completes, in
   * its completion notice rather than on a record: the restore then starts from that checkpoint (or one completed
   * just after it), with no record in between. Until then each record is slowed by {@code delayPerRecord}.
   */
  public static FailOnceAfterACheckpoint atACheckpointAfter(String name, long afterRecords, Duration delayPerRecord) {
    failures(name).set(0);
    recordsAtACompletedCheckpoint(name).set(-1);
    return new FailOnceAfterACheckpoint(name, afterRecords, delayPerRecord, () -> true, () -> {}, true);
  }

  /** The failures injected so far under {@code name}. */
  public static AtomicInteger failures(String name) {
    return FAILURES.computeIfAbsent(name, n -> new AtomicInteger());
  }

  /**
   * The records the armed subtask had passed at its latest completed checkpoint (-1 before the first): its barrier
   * came after exactly these records.
   */
  public static AtomicLong recordsAtACompletedCheckpoint(String name) {
    return CHECKPOINTED.computeIfAbsent(name, n -> new AtomicLong(-1));
  }

  @Override
  public void open(OpenContext context) {
    armed =
        getRuntimeContext().getTaskInfo().getAttemptNumber() == 0
            && getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() == 0;
  }

  @Override
  public ClickEvent map(ClickEvent event) throws Exception {
    if (!armed) {
      return event;
    }
    records++;
    if (checkpointed && records > afterRecords && !onCheckpointComplete) {
      if (readiness.ready()) {
        armed = false;
        beforeFailure.run();
        failures(name).incrementAndGet();
        throw new IllegalStateException("injected failure after " + records + " records");
      }
      // Slower still while waiting, so that the source does not run out of records first.
      LockSupport.parkNanos(WAITING_DELAY_PER_RECORD.toNanos());
    }
    if (!delayPerRecord.isZero()) {
      LockSupport.parkNanos(delayPerRecord.toNanos());
    }
    return event;
  }

  @Override
  public void initializeState(FunctionInitializationContext context) {
    recordsAtCheckpoint = new HashMap<>();
  }

  @Override
  public void snapshotState(FunctionSnapshotContext context) {
    if (armed) {
      recordsAtCheckpoint.put(context.getCheckpointId(), records);
    }
  }

  @Override
  public void notifyCheckpointComplete(long checkpointId) throws Exception {
    checkpointed = true;
    Long passed = recordsAtCheckpoint.remove(checkpointId);
    if (passed != null) {
      recordsAtACompletedCheckpoint(name).accumulateAndGet(passed, Math::max);
      if (onCheckpointComplete && armed && passed >= afterRecords) {
        armed = false;
        beforeFailure.run();
        failures(name).incrementAndGet();
        throw new IllegalStateException("injected failure at checkpoint " + checkpointId + " after " + passed + " records");
      }
    }
  }
}
