package io.streamsketch.flink.membership;

import io.streamsketch.flink.serde.BloomFilterSerializer;
import io.streamsketch.model.AdExposure;
import io.streamsketch.model.ClickEvent;
import io.streamsketch.sketch.bloom.BloomFilter;
import io.streamsketch.sketch.bloom.RotatingBloomFilter;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Answers, for each ad impression keyed by ad, whether the user has probably seen the ad before, from a {@link
 * RotatingBloomFilter} of user ids per ad.
 *
 * <p><b>Heap cache.</b> Reading and writing a multi-kilobyte filter in RocksDB on every impression would dominate
 * the cost, so the operator keeps the filters of the most recently used ads (at most {@code maxCachedAds}) on the
 * heap, in access order, and keyed state holds them only as of the last write-back. Keyed state is the source of
 * truth at three points only, and the cache is written back before each:
 *
 * <ul>
 *   <li>a snapshot (checkpoint or savepoint): {@link #snapshotState} runs before the keyed state backend takes its
 *       snapshot, and writes every changed filter back, so the snapshot holds exactly the effect of the impressions
 *       before the barrier;
 *   <li>an eviction from the full cache: the evicted filter is written back if it changed;
 *   <li>a restore: the cache starts empty and loads each ad's filters from state on first use.
 * </ul>
 *
 * An unchanged filter (the user was already in it) is never written. Every impression is still answered at once and
 * in arrival order. After a failure the job restarts from the last snapshot, which holds the filters as of its
 * barrier, and the input replays from that barrier in the same order per ad, so the replayed impressions get the same
 * answers: state stays exactly-once.
 *
 * <p>The cache never shares an object with state: the heap backend keeps the references it is given and serializes
 * them asynchronously after the barrier, so a filter mutated in the cache after a write-back would leak later
 * impressions into the snapshot. Write-backs of a current generation that stays cached, and its loads, copy it; a
 * previous generation is never mutated, so it is shared.
 *
 * <p>State per ad: the current and previous generations and the current generation's insertion count. It lives as
 * long as the ad does: the set of ads is finite and each ad's state is bounded (two filters), but an ad that is never
 * shown again keeps its state.
 */
public final class FirstExposureOperator extends AbstractStreamOperator<AdExposure>
    implements OneInputStreamOperator<ClickEvent, AdExposure> {
  private static final long serialVersionUID = 1L;

  public static final ValueStateDescriptor<BloomFilter> CURRENT =
      new ValueStateDescriptor<>("current-filter", BloomFilterSerializer.TYPE_INFO);
  public static final ValueStateDescriptor<BloomFilter> PREVIOUS =
      new ValueStateDescriptor<>("previous-filter", BloomFilterSerializer.TYPE_INFO);
  public static final ValueStateDescriptor<Long> CURRENT_INSERTIONS =
      new ValueStateDescriptor<>("current-insertions", Types.LONG);

  private final long capacity;
  private final double falsePositiveRate;
  private final long seed;
  private final int maxCachedAds;

  private transient ValueState<BloomFilter> currentState;
  private transient ValueState<BloomFilter> previousState;
  private transient ValueState<Long> insertionsState;
  private transient LinkedHashMap<String, CachedFilter> cache;

  /**
   * @param capacity distinct users per generation of an ad's filter
   * @param falsePositiveRate the design false-positive rate of a full generation
   * @param seed the hash seed
   * @param maxCachedAds how many ads' filters to keep on the heap between snapshots
   * @throws IllegalArgumentException if a parameter is out of range
   */
  public FirstExposureOperator(long capacity, double falsePositiveRate, long seed, int maxCachedAds) {
    RotatingBloomFilter.create(capacity, falsePositiveRate, seed); // validates, before the job is submitted
    if (maxCachedAds < 1) {
      throw new IllegalArgumentException("the cache must hold at least 1 ad: " + maxCachedAds);
    }
    this.capacity = capacity;
    this.falsePositiveRate = falsePositiveRate;
    this.seed = seed;
    this.maxCachedAds = maxCachedAds;
  }

  @Override
  public void open() throws Exception {
    super.open();
    currentState = getPartitionedState(CURRENT);
    previousState = getPartitionedState(PREVIOUS);
    insertionsState = getPartitionedState(CURRENT_INSERTIONS);
    cache = new LinkedHashMap<>(16, 0.75f, true);
  }

  @Override
  public void processElement(StreamRecord<ClickEvent> element) throws Exception {
    ClickEvent event = element.getValue();
    CachedFilter cached = cache.get(event.adId);
    if (cached == null) {
      cached = load();
      cache.put(event.adId, cached);
      if (cache.size() > maxCachedAds) {
        evictEldest();
        setCurrentKey(event.adId);
      }
    }
    RotatingBloomFilter filter = cached.filter;
    double statedRate = filter.falsePositiveRate();
    boolean seen = filter.addAndCheck(event.userId);
    output.collect(
        element.replace(
            new AdExposure(event.eventId, event.userId, event.adId, event.eventTime, seen, statedRate)));
  }

  /** The current key's filters from state, or an empty filter for a new ad. */
  private CachedFilter load() throws Exception {
    BloomFilter current = currentState.value();
    if (current == null) {
      return new CachedFilter(RotatingBloomFilter.create(capacity, falsePositiveRate, seed));
    }
    return new CachedFilter(
        RotatingBloomFilter.restore(
            capacity,
            falsePositiveRate,
            seed,
            current.copy(),
            previousState.value(),
            insertionsState.value()));
  }

  private void evictEldest() throws Exception {
    Iterator<Map.Entry<String, CachedFilter>> eldest = cache.entrySet().iterator();
    Map.Entry<String, CachedFilter> entry = eldest.next();
    eldest.remove();
    if (entry.getValue().changed()) {
      setCurrentKey(entry.getKey());
      write(entry.getValue().filter, false);
    }
  }

  @Override
  public void snapshotState(StateSnapshotContext context) throws Exception {
    super.snapshotState(context);
    for (Map.Entry<String, CachedFilter> entry : cache.entrySet()) {
      CachedFilter cached = entry.getValue();
      if (cached.changed()) {
        setCurrentKey(entry.getKey());
        write(cached.filter, true);
        cached.writtenChangeCount = cached.filter.changeCount();
      }
    }
  }

  /** Writes the current key's filter to state; copies it if it stays in the cache (see the class comment). */
  private void write(RotatingBloomFilter filter, boolean staysCached) throws Exception {
    currentState.update(staysCached ? filter.current().copy() : filter.current());
    if (filter.previous() != null) {
      previousState.update(filter.previous());
    }
    insertionsState.update(filter.currentInsertions());
  }

  /** How many ads' filters are on the heap; for tests. */
  int cachedAds() {
    return cache.size();
  }

  private static final class CachedFilter {
    final RotatingBloomFilter filter;
    long writtenChangeCount;

    CachedFilter(RotatingBloomFilter filter) {
      this.filter = filter;
      this.writtenChangeCount = filter.changeCount();
    }

    boolean changed() {
      return filter.changeCount() != writtenChangeCount;
    }
  }
}
