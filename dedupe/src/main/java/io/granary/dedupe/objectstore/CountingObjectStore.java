package io.granary.dedupe.objectstore;

import io.granary.dedupe.api.MediumStats;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
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

  /** One request of the bucket. */
  @FunctionalInterface
  private interface Request<T> {
    T make() throws IOException;
  }

  /** Makes {@code request}, counted under {@code kind}, and its failure under errors. */
  private <T> T counted(AtomicLong kind, Request<T> request) throws IOException {
    kind.incrementAndGet();
    try {
      return request.make();
    } catch (IOException | RuntimeException e) {
      errors.incrementAndGet();
      throw e;
    }
  }

  @Override
  public boolean putIfAbsent(String key, Path file) throws IOException {
    boolean put = counted(puts, () -> inner.putIfAbsent(key, file));
    if (put) {
      up.addAndGet(Files.size(file));
    }
    return put;
  }

  @Override
  public Versioned read(String key) throws IOException {
    Versioned v = counted(gets, () -> inner.read(key));
    if (v != null) {
      down.addAndGet(v.bytes().length);
    }
    return v;
  }

  @Override
  public String swap(String key, byte[] bytes, String etag) throws IOException {
    String tag = counted(puts, () -> inner.swap(key, bytes, etag));
    if (tag != null) {
      up.addAndGet(bytes.length);
    }
    return tag;
  }

  @Override
  public byte[] get(String key) throws IOException {
    byte[] b = counted(gets, () -> inner.get(key));
    down.addAndGet(b.length);
    return b;
  }

  @Override
  public byte[] get(String key, long from, int length) throws IOException {
    byte[] b = counted(gets, () -> inner.get(key, from, length));
    down.addAndGet(b.length);
    return b;
  }

  @Override
  public long size(String key) throws IOException {
    return counted(heads, () -> inner.size(key));
  }

  @Override
  public void delete(String key) throws IOException {
    counted(
        deletes,
        () -> {
          inner.delete(key);
          return null;
        });
  }

  /** One request per batch, counted with the deletes. */
  @Override
  public void deleteAll(Collection<String> keys) throws IOException {
    List<String> all = List.copyOf(keys);
    for (int from = 0; from < all.size(); from += DELETE_BATCH) {
      List<String> batch = all.subList(from, Math.min(all.size(), from + DELETE_BATCH));
      counted(
          deletes,
          () -> {
            inner.deleteAll(batch);
            return null;
          });
    }
  }

  @Override
  public Map<String, Long> list(String prefix) throws IOException {
    return counted(lists, () -> inner.list(prefix));
  }

  @Override
  public long retries() {
    return inner.retries();
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
