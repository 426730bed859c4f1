package io.granary.dedupe.objectstore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

/** A bucket in memory, for unit tests of what wraps a store; etags are a counter. */
final class MemoryObjectStore implements ObjectStore {
  private final ConcurrentSkipListMap<String, Versioned> objects = new ConcurrentSkipListMap<>();
  private final AtomicLong tags = new AtomicLong();

  @Override
  public boolean putIfAbsent(String key, Path file) throws IOException {
    return putIfAbsent(key, Files.readAllBytes(file));
  }

  @Override
  public Versioned read(String key) {
    return objects.get(key);
  }

  @Override
  public synchronized String swap(String key, byte[] bytes, String etag) {
    Versioned now = objects.get(key);
    if (etag == null ? now != null : now == null || !now.etag().equals(etag)) {
      return null;
    }
    Versioned v = new Versioned(bytes.clone(), "\"" + tags.incrementAndGet() + "\"");
    objects.put(key, v);
    return v.etag();
  }

  @Override
  public byte[] get(String key) throws IOException {
    Versioned v = objects.get(key);
    if (v == null) {
      throw new NoSuchFileException(key);
    }
    return v.bytes().clone();
  }

  @Override
  public byte[] get(String key, long from, int length) throws IOException {
    byte[] all = get(key);
    int start = (int) Math.min(from, all.length);
    return Arrays.copyOfRange(all, start, (int) Math.min(all.length, from + length));
  }

  @Override
  public long size(String key) {
    Versioned v = objects.get(key);
    return v == null ? -1 : v.bytes().length;
  }

  @Override
  public void delete(String key) {
    objects.remove(key);
  }

  @Override
  public Map<String, Long> list(String prefix) {
    Map<String, Long> found = new TreeMap<>();
    objects
        .tailMap(prefix)
        .forEach(
            (k, v) -> {
              if (k.startsWith(prefix)) {
                found.put(k, (long) v.bytes().length);
              }
            });
    return found;
  }

  @Override
  public void close() {}
}
