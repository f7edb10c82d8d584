package io.streamsketch.flink.state;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.TimerHeapInternalTimer;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.util.function.BiConsumerWithException;
import org.apache.flink.util.function.ThrowingConsumer;

/**
 * An operator's event-time timer service (on RocksDB, where each timer is a put and a delete) with its timers held
 * in memory between checkpoints. A held timer reaches the service only before a checkpoint barrier ({@link
 * #writeToService}, after which it is still held and deletes the service's copy when it fires) or when more than
 * {@code maxHeldTimers} are held ({@link #moveAllToServiceIfOverBound}). Timers at or before {@code inServiceUpTo},
 * the latest the service may hold without a held copy, go to the service directly, so that each timer exists once.
 * Processing-time timers are the service's.
 *
 * <p>The operator fires the held timers with {@link #fireUpTo} before it passes a watermark to Flink, which fires
 * the service's; {@code fireUpTo} advances the service to just before each held timer's time first, so that all
 * timers fire in time order as from one service.
 */
public final class WriteBackTimerService<K, N> implements InternalTimerService<N> {
  private final InternalTimerService<N> service;
  private final Triggerable<K, N> triggerable;
  private final Supplier<K> currentKey;
  private final Consumer<K> setCurrentKey;
  private final int maxHeldTimers;
  /** Held timers by time, each with whether the service has a copy. */
  private final TreeMap<Long, Map<KeyedTimer<K, N>, Boolean>> held = new TreeMap<>();
  private int heldCount;
  private long inServiceUpTo;

  private record KeyedTimer<K, N>(K key, N namespace) {}

  /**
   * A service holding nothing, with no timers of the service before it; call {@link #boundByServiceTimers} when the
   * service was restored.
   *
   * @param maxHeldTimers the most timers held before all move to the service, at least 1
   */
  public WriteBackTimerService(
      InternalTimerService<N> service, Triggerable<K, N> triggerable, Supplier<K> currentKey, Consumer<K> setCurrentKey,
      int maxHeldTimers) {
    if (maxHeldTimers < 1) {
      throw new IllegalArgumentException("maxHeldTimers must be at least 1: " + maxHeldTimers);
    }
    this.service = service;
    this.triggerable = triggerable;
    this.currentKey = currentKey;
    this.setCurrentKey = setCurrentKey;
    this.maxHeldTimers = maxHeldTimers;
    this.inServiceUpTo = Long.MIN_VALUE;
  }

  /**
   * Sends timers up to the service's latest (restored) timer to the service, where a timer of the same key, namespace
   * and time may be. Call it before the first timer is registered; it reads all the service's timers once.
   */
  public void boundByServiceTimers() throws Exception {
    service.forEachEventTimeTimer((namespace, time) -> inServiceUpTo = Math.max(inServiceUpTo, time));
  }

  @Override
  public void registerEventTimeTimer(N namespace, long time) {
    if (time <= inServiceUpTo) {
      service.registerEventTimeTimer(namespace, time);
    } else if (held.computeIfAbsent(time, t -> new HashMap<>()).putIfAbsent(new KeyedTimer<>(currentKey.get(), namespace), false) == null) {
      heldCount++;
    }
  }

  @Override
  public void deleteEventTimeTimer(N namespace, long time) {
    if (time <= inServiceUpTo) {
      service.deleteEventTimeTimer(namespace, time);
      return;
    }
    Map<KeyedTimer<K, N>, Boolean> at = held.get(time);
    Boolean inService = at == null ? null : at.remove(new KeyedTimer<>(currentKey.get(), namespace));
    if (inService != null) {
      heldCount--;
      if (at.isEmpty()) {
        held.remove(time);
      }
      if (inService) {
        service.deleteEventTimeTimer(namespace, time);
      }
    }
  }

  /**
   * Fires the held timers up to {@code watermark} in time order; before each time, {@code advanceService} is called
   * with the time just before it, when that is ahead of the service's watermark, to fire the service's earlier timers.
   * Leaves the current key changed.
   */
  public void fireUpTo(long watermark, ThrowingConsumer<Long, Exception> advanceService) throws Exception {
    Map.Entry<Long, Map<KeyedTimer<K, N>, Boolean>> due;
    while ((due = held.firstEntry()) != null && due.getKey() <= watermark) {
      long time = due.getKey();
      if (time > service.currentWatermark() + 1) {
        advanceService.accept(time - 1);
      }
      held.pollFirstEntry();
      heldCount -= due.getValue().size();
      for (Map.Entry<KeyedTimer<K, N>, Boolean> timer : due.getValue().entrySet()) {
        K key = timer.getKey().key();
        N namespace = timer.getKey().namespace();
        setCurrentKey.accept(key);
        if (timer.getValue()) {
          service.deleteEventTimeTimer(namespace, time);
        }
        triggerable.onEventTime(new TimerHeapInternalTimer<>(time, key, namespace));
      }
    }
  }

  /** Gives the service a copy of every held timer it has none of; before a checkpoint barrier. */
  public void writeToService() {
    for (Map.Entry<Long, Map<KeyedTimer<K, N>, Boolean>> at : held.entrySet()) {
      for (Map.Entry<KeyedTimer<K, N>, Boolean> timer : at.getValue().entrySet()) {
        if (!timer.getValue()) {
          setCurrentKey.accept(timer.getKey().key());
          service.registerEventTimeTimer(timer.getKey().namespace(), at.getKey());
          timer.setValue(true);
        }
      }
    }
  }

  /** When more than the bound are held, moves every held timer to the service. Changes the current key. */
  public void moveAllToServiceIfOverBound() {
    if (heldCount > maxHeldTimers) {
      writeToService();
      inServiceUpTo = Math.max(inServiceUpTo, held.lastKey());
      held.clear();
      heldCount = 0;
    }
  }

  /** The service's timers (with their keys current), then the held ones it has no copy of. */
  @Override
  public void forEachEventTimeTimer(BiConsumerWithException<N, Long, Exception> consumer) throws Exception {
    service.forEachEventTimeTimer(consumer);
    for (Map.Entry<Long, Map<KeyedTimer<K, N>, Boolean>> at : held.entrySet()) {
      for (Map.Entry<KeyedTimer<K, N>, Boolean> timer : at.getValue().entrySet()) {
        if (!timer.getValue()) {
          setCurrentKey.accept(timer.getKey().key());
          consumer.accept(timer.getKey().namespace(), at.getKey());
        }
      }
    }
  }

  @Override
  public long currentProcessingTime() {
    return service.currentProcessingTime();
  }

  @Override
  public long currentWatermark() {
    return service.currentWatermark();
  }

  @Override
  public void initializeWatermark(long watermark) {
    service.initializeWatermark(watermark);
  }

  @Override
  public void registerProcessingTimeTimer(N namespace, long time) {
    service.registerProcessingTimeTimer(namespace, time);
  }

  @Override
  public void deleteProcessingTimeTimer(N namespace, long time) {
    service.deleteProcessingTimeTimer(namespace, time);
  }

  @Override
  public void forEachProcessingTimeTimer(BiConsumerWithException<N, Long, Exception> consumer) throws Exception {
    service.forEachProcessingTimeTimer(consumer);
  }
}
