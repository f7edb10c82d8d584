package io.streamsketch.flink.state;

import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.flink.api.common.state.MapState;

/**
 * A write-back cache in front of a keyed {@link MapState} of a state backend that copies what it stores (RocksDB:
 * {@code isSafeToReuseKVState}): a key's whole map is held in memory from its first access, reads and writes go to
 * it, and the changes reach the state only at {@link #flush}, which the operator calls before every checkpoint barrier.
 * A key that is new in this run is known to have nothing in the state and is not read from it; after a restore, and
 * after {@link #flushAndDrop}, a key's first access reads its map from the state once.
 *
 * <p>Memory holds the keys with entries (and, until the next flush, those with entries to delete from the state): a
 * read of a key without entries holds nothing, and a key whose map becomes empty before it was ever written is
 * forgotten at once. (An interval join reads the other side's buffer of every element's key, mostly empty.)
 */
public final class WriteBackMapState<K, UK, UV> extends WriteBackCache<K, WriteBackMapState.Held<UK, UV>>
    implements MapState<UK, UV> {
  private final MapState<UK, UV> state;
  private final Supplier<K> currentKey;
  /** What a read of a key without entries sees; never changed. */
  private final Held<UK, UV> none = new Held<>();

  static final class Held<UK, UV> {
    final Map<UK, UV> entries = new HashMap<>();
    /** User keys whose value changed or went since the last flush. */
    final Set<UK> changed = new HashSet<>();
    /** Whether the state may hold entries of this key. */
    boolean stored;
  }

  /**
   * @param state the keyed state; each call names the key that is current in the keyed backend
   * @param currentKey the keyed backend's current key
   * @param restored whether the state was restored (so that it may hold maps of keys not seen in this run)
   */
  public WriteBackMapState(MapState<UK, UV> state, Supplier<K> currentKey, boolean restored) {
    super(restored);
    this.state = state;
    this.currentKey = currentKey;
  }

  /** The current key's map to read: held, or read from the state (and held if it has entries), or {@link #none}. */
  private Held<UK, UV> reading() throws Exception {
    Held<UK, UV> map = held.get(currentKey.get());
    if (map == null && stateMayHoldOthers) {
      map = readFromState();
    }
    return map == null ? none : map;
  }

  /** The current key's map to change, held from now on. */
  private Held<UK, UV> changing() throws Exception {
    Held<UK, UV> map = held.get(currentKey.get());
    if (map == null) {
      map = stateMayHoldOthers ? readFromState() : null;
      if (map == null) {
        map = new Held<>();
        held.put(currentKey.get(), map);
      }
    }
    return map;
  }

  /** The current key's map in the state, held; null if it has no entries. */
  private Held<UK, UV> readFromState() throws Exception {
    Held<UK, UV> map = new Held<>();
    for (Map.Entry<UK, UV> entry : state.entries()) {
      map.entries.put(entry.getKey(), entry.getValue());
    }
    if (map.entries.isEmpty()) {
      return null;
    }
    map.stored = true;
    held.put(currentKey.get(), map);
    return map;
  }

  /** Forgets the current key's map if it is empty and the state has nothing to delete for it. */
  private void forgetIfEmpty(Held<UK, UV> map) {
    if (map.entries.isEmpty() && !map.stored) {
      held.remove(currentKey.get());
    }
  }

  @Override
  public UV get(UK key) throws Exception {
    return reading().entries.get(key);
  }

  @Override
  public void put(UK key, UV value) throws Exception {
    Held<UK, UV> map = changing();
    map.entries.put(key, value);
    map.changed.add(key);
  }

  @Override
  public void putAll(Map<UK, UV> values) throws Exception {
    for (Map.Entry<UK, UV> entry : values.entrySet()) {
      put(entry.getKey(), entry.getValue());
    }
  }

  @Override
  public void remove(UK key) throws Exception {
    Held<UK, UV> map = reading();
    if (map.entries.remove(key) != null) {
      map.changed.add(key);
      forgetIfEmpty(map);
    }
  }

  @Override
  public boolean contains(UK key) throws Exception {
    return reading().entries.containsKey(key);
  }

  /** Read-only, as {@link #keys}, {@link #values} and {@link #iterator}: a change must go through put or remove. */
  @Override
  public Iterable<Map.Entry<UK, UV>> entries() throws Exception {
    return Collections.unmodifiableMap(reading().entries).entrySet();
  }

  @Override
  public Iterable<UK> keys() throws Exception {
    return Collections.unmodifiableMap(reading().entries).keySet();
  }

  @Override
  public Iterable<UV> values() throws Exception {
    return Collections.unmodifiableMap(reading().entries).values();
  }

  @Override
  public Iterator<Map.Entry<UK, UV>> iterator() throws Exception {
    return entries().iterator();
  }

  @Override
  public boolean isEmpty() throws Exception {
    return reading().entries.isEmpty();
  }

  @Override
  public void clear() {
    try {
      Held<UK, UV> map = reading();
      if (!map.entries.isEmpty()) {
        map.changed.addAll(map.entries.keySet());
        map.entries.clear();
        forgetIfEmpty(map);
      }
    } catch (Exception e) {
      throw new IllegalStateException("reading the state of the current key failed", e);
    }
  }

  /**
   * Writes every change to the state, each with its key made current by {@code setCurrentKey}; the maps stay held
   * (empty ones are forgotten).
   */
  @Override
  public void flush(Consumer<K> setCurrentKey) throws Exception {
    Iterator<Map.Entry<K, Held<UK, UV>>> keys = held.entrySet().iterator();
    while (keys.hasNext()) {
      Map.Entry<K, Held<UK, UV>> key = keys.next();
      Held<UK, UV> map = key.getValue();
      if (!map.changed.isEmpty()) {
        setCurrentKey.accept(key.getKey());
        for (UK changed : map.changed) {
          UV value = map.entries.get(changed);
          if (value == null) {
            state.remove(changed);
          } else {
            state.put(changed, value);
          }
        }
        map.changed.clear();
      }
      map.stored = !map.entries.isEmpty();
      if (!map.stored) {
        keys.remove();
      }
    }
  }
}
