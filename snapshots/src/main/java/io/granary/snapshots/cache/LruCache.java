package io.granary.snapshots.cache;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * A least-recently-used cache bounded by the total weight of its values. Its keys are chunk
 * ids, so entries never go stale: content-addressed data cannot change under its id.
 * Thread-safe (one lock; a hit costs a map lookup and a relink).
 */
public final class LruCache<K, V> {
  private final long capacity;
  private final ToLongFunction<V> weigher;
  private final LinkedHashMap<K, V> map = new LinkedHashMap<>(256, 0.75f, true);
  private long weight;
  private long hits;
  private long misses;

  public LruCache(long capacity, ToLongFunction<V> weigher) {
    this.capacity = capacity;
    this.weigher = weigher;
  }

  public synchronized V get(K key) {
    V v = map.get(key);
    if (v == null) {
      misses++;
    } else {
      hits++;
    }
    return v;
  }

  public synchronized void put(K key, V value) {
    long w = weigher.applyAsLong(value);
    if (w > capacity) {
      return;
    }
    V old = map.put(key, value);
    if (old != null) {
      weight -= weigher.applyAsLong(old);
    }
    weight += w;
    var it = map.entrySet().iterator();
    while (weight > capacity && it.hasNext()) {
      Map.Entry<K, V> e = it.next();
      weight -= weigher.applyAsLong(e.getValue());
      it.remove();
    }
  }

  public synchronized long hits() {
    return hits;
  }

  public synchronized long misses() {
    return misses;
  }

  public synchronized long weight() {
    return weight;
  }
}
