package io.streamsketch.jobs.runtime;

import io.streamsketch.model.ClickEvent;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * A test hook: failure-injection tests {@link #install} a plan, and every job started in this JVM then gets one
 * more operator after its input that throws once at each planned point. Without a plan (always, outside tests) the
 * job's graph is unchanged.
 *
 * <p>Points are numbers of events that passed the hook in this JVM, counting replays after a restart, all subtasks
 * together; each point fails once. The plan lives in static fields, outside any operator state, so a restored job
 * does not fail again at the same point. Tests that terminate a TaskManager instead watch {@link #eventsSeen}.
 */
public final class FaultInjection {
  private static volatile Plan plan;

  private FaultInjection() {}

  /** The failure points and a pace that lets checkpoints complete between them. */
  public static final class Plan {
    final Set<Long> failAt = new ConcurrentSkipListSet<>();
    final Set<Long> failed = ConcurrentHashMap.newKeySet();
    final AtomicLong seen = new AtomicLong();
    final AtomicLong latestCheckpoint = new AtomicLong();
    final List<Long> checkpointsBeforeFailures = new CopyOnWriteArrayList<>();
    final long nanosPerEvent;

    /**
     * @param failAt the event counts at which an operator throws, once each
     * @param eventsPerSecond the pace of each subtask through the hook; 0 for no limit
     */
    public Plan(Set<Long> failAt, double eventsPerSecond) {
      this.failAt.addAll(failAt);
      this.nanosPerEvent = eventsPerSecond > 0 ? (long) (1e9 / eventsPerSecond) : 0;
    }

    public long eventsSeen() {
      return seen.get();
    }

    /** How many planned failures were thrown. */
    public int failuresThrown() {
      return failed.size();
    }

    /** For each failure thrown, the id of the latest checkpoint completed before it (0 for none): what it restored. */
    public List<Long> checkpointsBeforeFailures() {
      return List.copyOf(checkpointsBeforeFailures);
    }
  }

  public static void install(Plan newPlan) {
    plan = newPlan;
  }

  public static void clear() {
    plan = null;
  }

  /** The events with the hook after them, when a plan is installed; otherwise {@code events} itself. */
  static DataStream<ClickEvent> insert(DataStream<ClickEvent> events) {
    if (plan == null) {
      return events;
    }
    return events
        .map(new FailAtPlannedPoints())
        .returns(events.getType())
        .setParallelism(events.getParallelism())
        .uid("fault-injection")
        .name("fault-injection");
  }

  /** Throws at the planned points of the installed plan. */
  static final class FailAtPlannedPoints implements MapFunction<ClickEvent, ClickEvent>, CheckpointListener {
    private static final long serialVersionUID = 1L;

    @Override
    public ClickEvent map(ClickEvent event) {
      Plan current = plan;
      if (current == null) {
        return event;
      }
      if (current.nanosPerEvent > 0) {
        LockSupport.parkNanos(current.nanosPerEvent);
      }
      long n = current.seen.incrementAndGet();
      if (current.failAt.contains(n) && current.failed.add(n)) {
        current.checkpointsBeforeFailures.add(current.latestCheckpoint.get());
        throw new IllegalStateException("injected failure at event " + n + " (test fault injection)");
      }
      return event;
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
      Plan current = plan;
      if (current != null) {
        current.latestCheckpoint.accumulateAndGet(checkpointId, Math::max);
      }
    }
  }
}
