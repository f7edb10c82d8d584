package io.streamsketch.jobs.testing;

import io.streamsketch.model.ClickEvent;
import java.io.Serializable;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;

/**
 * Injects one failure: in the first attempt of subtask 0, after {@code afterRecords} records and a completed
 * checkpoint, it runs an optional action and throws. Each failure is counted under the injector's name, read with
 * {@link #failures}: the test and the MiniCluster share the JVM.
 */
public final class FailOnceAfterACheckpoint extends RichMapFunction<ClickEvent, ClickEvent>
    implements CheckpointListener {
  private static final long serialVersionUID = 1L;
  private static final ConcurrentHashMap<String, AtomicInteger> FAILURES = new ConcurrentHashMap<>();

  /** What to do just before the failure; shipped with the job, so serializable. */
  public interface Action extends Serializable {
    void run() throws Exception;
  }

  private final String name;
  private final long afterRecords;
  private final Duration delayPerRecord;
  private final Action beforeFailure;
  private transient boolean armed;
  private transient boolean checkpointed;
  private transient long records;

  private FailOnceAfterACheckpoint(
      String name, long afterRecords, Duration delayPerRecord, Action beforeFailure) {
    this.name = name;
    this.afterRecords = afterRecords;
    this.delayPerRecord = delayPerRecord;
    this.beforeFailure = beforeFailure;
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
    failures(name).set(0);
    return new FailOnceAfterACheckpoint(name, afterRecords, delayPerRecord, beforeFailure);
  }

  /** The failures injected so far under {@code name}. */
  public static AtomicInteger failures(String name) {
    return FAILURES.computeIfAbsent(name, n -> new AtomicInteger());
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
    if (checkpointed && records > afterRecords) {
      armed = false;
      beforeFailure.run();
      failures(name).incrementAndGet();
      throw new IllegalStateException("injected failure after " + records + " records");
    }
    if (!delayPerRecord.isZero()) {
      LockSupport.parkNanos(delayPerRecord.toNanos());
    }
    return event;
  }

  @Override
  public void notifyCheckpointComplete(long checkpointId) {
    checkpointed = true;
  }
}
