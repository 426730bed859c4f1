package io.granary.dedupe.objectstore;

import io.granary.dedupe.api.MediumStats;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** Counts the requests made of a bucket by kind, the failed ones, and the bytes each way. */
final class CountingObjectStore implements ObjectStore {
  private final ObjectStore inner;
  private final AtomicLong puts = new AtomicLong();
  private final AtomicLong gets = new AtomicLong();
  private final AtomicLong heads = new AtomicLong();
  private final AtomicLong deletes = new AtomicLong();
  private final AtomicLong lists = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();
  private final AtomicLong up = new AtomicLong();
  private final AtomicLong down = new AtomicLong();

  CountingObjectStore(ObjectStore inner) {
    this.inner = inner;
  }

  @Override
  public boolean putIfAbsent(String key, Path file) throws IOException {
    puts.incrementAndGet();
    try {
      boolean put = inner.putIfAbsent(key, file);
      if (put) {
        up.addAndGet(Files.size(file));
      }
      return put;
    } catch (IOException | RuntimeException e) {
      errors.incrementAndGet();
      throw e;
    }
  }

  @Override
  public boolean putIfAbsent(String key, byte[] bytes) throws IOException {
    puts.incrementAndGet();
    try {
      boolean put = inner.putIfAbsent(key, bytes);
      if (put) {
        up.addAndGet(bytes.length);
      }
      return put;
    } catch (IOException | RuntimeException e) {
      errors.incrementAndGet();
      throw e;
    }
  }

  @Override
  public void put(String key, byte[] bytes) throws IOException {
    puts.incrementAndGet();
    try {
      inner.put(key, bytes);
      up.addAndGet(bytes.length);
    } catch (IOException | RuntimeException e) {
      errors.incrementAndGet();
      throw e;
    }
  }

  @Override
  public Versioned read(String key) throws IOException {
    gets.incrementAndGet();
    try {
      Versioned v = inner.read(key);
      if (v != null) {
        down.addAndGet(v.bytes().length);
      }
      return v;
    } catch (IOException | RuntimeException e) {
      errors.incrementAndGet();
      throw e;
    }
  }

  @Override
  public String swap(String key, byte[] bytes, String etag) throws IOException {
    puts.incrementAndGet();
    try {
      String tag = inner.swap(key, bytes, etag);
      up.addAndGet(tag == null ? 0 : bytes.length);
      return tag;
    } catch (IOException | RuntimeException e) {
      errors.incrementAndGet();
      throw e;
    }
  }

  @Override
  public byte[] get(String key) throws IOException {
    gets.incrementAndGet();
    try {
      byte[] b = inner.get(key);
      down.addAndGet(b.length);
      return b;
    } catch (IOException | RuntimeException e) {
      errors.incrementAndGet();
      throw e;
    }
  }

  @Override
  public byte[] get(String key, long from, int length) throws IOException {
    gets.incrementAndGet();
    try {
      byte[] b = inner.get(key, from, length);
      down.addAndGet(b.length);
      return b;
    } catch (IOException | RuntimeException e) {
      errors.incrementAndGet();
      throw e;
    }
  }

  @Override
  public long size(String key) throws IOException {
    heads.incrementAndGet();
    try {
      return inner.size(key);
    } catch (IOException | RuntimeException e) {
      errors.incrementAndGet();
      throw e;
    }
  }

  @Override
  public void delete(String key) throws IOException {
    deletes.incrementAndGet();
    try {
      inner.delete(key);
    } catch (IOException | RuntimeException e) {
      errors.incrementAndGet();
      throw e;
    }
  }

  @Override
  public Map<String, Long> list(String prefix) throws IOException {
    lists.incrementAndGet();
    try {
      return inner.list(prefix);
    } catch (IOException | RuntimeException e) {
      errors.incrementAndGet();
      throw e;
    }
  }

  MediumStats.Requests requests() {
    return new MediumStats.Requests(
        puts.get(), gets.get(), heads.get(), deletes.get(), lists.get());
  }

  long errors() {
    return errors.get();
  }

  long bytesUploaded() {
    return up.get();
  }

  long bytesDownloaded() {
    return down.get();
  }

  @Override
  public void close() throws IOException {
    inner.close();
  }
}
