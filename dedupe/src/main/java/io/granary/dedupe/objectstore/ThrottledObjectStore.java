package io.granary.dedupe.objectstore;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A pool's limits on its bucket: requests per second and bytes per second (both ways together),
 * each a {@link TokenBucket} allowing a burst of one second's worth. A request waits before it
 * is made until both buckets have repaid what it took; the limit is an average over the
 * requests, not a shaping of each transfer (a pack goes up at full speed, and the next request
 * waits for it). Bytes are charged before the request where they are known: a PUT by the
 * file's or array's length, a ranged GET by the range's; a whole GET after it, by what came, so
 * that the next request waits.
 *
 * <p>The lease's and the manifest's requests ({@link #swap}, {@link #read}) are charged but never
 * wait: a renewal held back behind a long upload's bytes would let the lease lapse (30 s).
 *
 * <p>Waiting never fails a request; an interrupt ends it with an {@link InterruptedIOException}
 * (the interrupt kept), the request not made. Not done here: the SDK's own retries of a request
 * are not charged again.
 */
final class ThrottledObjectStore implements ObjectStore {
  /** Sleeps; {@link TimeUnit#sleep} in use, a fake clock's advance in tests. */
  @FunctionalInterface
  interface Sleeper {
    void sleep(long nanos) throws InterruptedException;
  }

  private final ObjectStore inner;
  private final TokenBucket requests;
  private final TokenBucket bytes;
  private final Sleeper sleeper;
  private final AtomicLong waitedNanos = new AtomicLong();

  /** Null buckets are unlimited. */
  ThrottledObjectStore(
      ObjectStore inner, TokenBucket requests, TokenBucket bytes, Sleeper sleeper) {
    this.inner = inner;
    this.requests = requests;
    this.bytes = bytes;
    this.sleeper = sleeper;
  }

  /**
   * {@code store} limited to {@code requestsPerSecond} requests and {@code bytesPerSecond} bytes
   * a second; a limit of 0 or less is none (with none at all, every request passes at once).
   */
  static ThrottledObjectStore limit(
      ObjectStore store, double requestsPerSecond, long bytesPerSecond) {
    return limit(
        store, requestsPerSecond, bytesPerSecond, System::nanoTime, TimeUnit.NANOSECONDS::sleep);
  }

  /** Tests: a store limited as {@link #limit} does, on a clock of the test's. */
  static ThrottledObjectStore limit(
      ObjectStore store,
      double requestsPerSecond,
      long bytesPerSecond,
      LongSupplier nanoTime,
      Sleeper sleeper) {
    return new ThrottledObjectStore(
        store,
        requestsPerSecond > 0 ? new TokenBucket(requestsPerSecond, nanoTime) : null,
        bytesPerSecond > 0 ? new TokenBucket(bytesPerSecond, nanoTime) : null,
        sleeper);
  }

  /** Nanoseconds requests have spent waiting for the limits, all threads together. */
  long waitedNanos() {
    return waitedNanos.get();
  }

  /** Takes one request and {@code length} bytes, and waits until both are repaid. */
  private void admit(long length) throws InterruptedIOException {
    long wait = charge(length);
    if (wait <= 0) {
      return;
    }
    try {
      sleeper.sleep(wait);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted waiting for the pool's request limits");
    }
    waitedNanos.addAndGet(wait);
  }

  /** Takes one request and {@code length} bytes; returns the wait they call for. */
  private long charge(long length) {
    long wait = requests == null ? 0 : requests.take(1);
    if (bytes != null) {
      wait = Math.max(wait, bytes.take(length)); // 0 bytes: still waits out the bucket's debt
    }
    return wait;
  }

  /** Charges bytes already moved, the request made: the next request waits for them. */
  private void chargeAfter(long length) {
    if (bytes != null && length > 0) {
      bytes.take(length);
    }
  }

  @Override
  public boolean putIfAbsent(String key, Path file) throws IOException {
    admit(Files.size(file));
    return inner.putIfAbsent(key, file);
  }

  @Override
  public boolean putIfAbsent(String key, byte[] bytes) throws IOException {
    admit(bytes.length);
    return inner.putIfAbsent(key, bytes);
  }

  @Override
  public Versioned read(String key) throws IOException {
    charge(0);
    Versioned v = inner.read(key);
    if (v != null) {
      chargeAfter(v.bytes().length);
    }
    return v;
  }

  @Override
  public String swap(String key, byte[] bytes, String etag) throws IOException {
    charge(bytes.length);
    return inner.swap(key, bytes, etag);
  }

  @Override
  public byte[] get(String key) throws IOException {
    admit(0);
    byte[] b = inner.get(key);
    chargeAfter(b.length);
    return b;
  }

  @Override
  public byte[] get(String key, long from, int length) throws IOException {
    admit(length);
    return inner.get(key, from, length);
  }

  @Override
  public long size(String key) throws IOException {
    admit(0);
    return inner.size(key);
  }

  @Override
  public void delete(String key) throws IOException {
    admit(0);
    inner.delete(key);
  }

  /** One request per batch, as the inner store makes them. */
  @Override
  public void deleteAll(Collection<String> keys) throws IOException {
    List<String> all = List.copyOf(keys);
    for (int from = 0; from < all.size(); from += DELETE_BATCH) {
      admit(0);
      inner.deleteAll(all.subList(from, Math.min(all.size(), from + DELETE_BATCH)));
    }
  }

  @Override
  public Map<String, Long> list(String prefix) throws IOException {
    admit(0);
    return inner.list(prefix);
  }

  @Override
  public long retries() {
    return inner.retries();
  }

  @Override
  public void close() throws IOException {
    inner.close();
  }
}
