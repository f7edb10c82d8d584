package io.streamsketch.flink.window;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Entries of a keyed, namespaced state held in memory in front of the state backend (namespace → key → entry), with
 * their count. An entry knows whether it is the whole value or a part that the state backend may complete, whether
 * the backend lacks its latest changes, and whether the backend may hold a value for it at all.
 */
final class ResidentEntries<K, N, V> {
  static final class Entry<V> {
    V value;
    /** Whether {@link #value} is the whole value; if not, the state backend may hold the rest. */
    boolean whole;
    /** Whether the state backend lacks changes of {@link #value}. */
    boolean dirty;
    /** Whether the state backend may hold a value for this entry (so that removing it must clear the backend's). */
    boolean stored;
    /**
     * Whether {@link #value} is also the state backend's object (a heap backend keeps the object written or read), so
     * a change must go to a copy: an asynchronous snapshot may be serializing it.
     */
    boolean shared;
  }

  /** What writes an entry to the state backend, with its key current there. */
  interface Writer<K, N, V> {
    void write(N namespace, K key, Entry<V> entry) throws Exception;
  }

  private final Map<N, Map<K, Entry<V>>> byNamespace = new HashMap<>();
  private int size;

  int size() {
    return size;
  }

  Entry<V> get(N namespace, K key) {
    Map<K, Entry<V>> entries = byNamespace.get(namespace);
    return entries == null ? null : entries.get(key);
  }

  /** A new entry (dirty, not stored) in place of any other of the same namespace and key. */
  Entry<V> create(N namespace, K key, V value, boolean whole) {
    Entry<V> entry = new Entry<>();
    entry.value = value;
    entry.whole = whole;
    entry.dirty = true;
    entry.stored = !whole;
    if (byNamespace.computeIfAbsent(namespace, n -> new HashMap<>()).put(key, entry) == null) {
      size++;
    }
    return entry;
  }

  Entry<V> remove(N namespace, K key) {
    Map<K, Entry<V>> entries = byNamespace.get(namespace);
    if (entries == null) {
      return null;
    }
    Entry<V> removed = entries.remove(key);
    if (removed != null) {
      size--;
      if (entries.isEmpty()) {
        byNamespace.remove(namespace);
      }
    }
    return removed;
  }

  /** Writes every dirty entry and marks it clean and stored. */
  void writeDirty(Writer<K, N, V> writer) throws Exception {
    for (Map.Entry<N, Map<K, Entry<V>>> namespace : byNamespace.entrySet()) {
      for (Map.Entry<K, Entry<V>> keyed : namespace.getValue().entrySet()) {
        Entry<V> entry = keyed.getValue();
        if (entry.dirty) {
          writer.write(namespace.getKey(), keyed.getKey(), entry);
          entry.dirty = false;
          entry.stored = true;
        }
      }
    }
  }

  /** The namespaces that have entries. */
  Set<N> namespaces() {
    return byNamespace.keySet();
  }

  /** Drops every entry; call {@link #writeDirty} first to keep their changes. */
  void clear() {
    byNamespace.clear();
    size = 0;
  }
}
