package io.granary.dedupe.objectstore;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Map;

/**
 * The few things Granary asks of a bucket: immutable objects written once, ranged reads,
 * deletes, and a listing that only opening and sweeping use. Keys are whole (prefix included).
 * A missing object is a {@link java.nio.file.NoSuchFileException}; any other failure an {@link
 * IOException} whose message says what was asked and what the service answered.
 */
interface ObjectStore extends Closeable {
  /**
   * Uploads the file as {@code key} unless an object of that key exists: true if it was
   * uploaded, false if it existed (and was left alone).
   */
  boolean putIfAbsent(String key, Path file) throws IOException;

  /** Stores {@code bytes} as {@code key} unless it exists: true if stored. */
  default boolean putIfAbsent(String key, byte[] bytes) throws IOException {
    return swap(key, bytes, null) != null;
  }

  /** An object's bytes and its entity tag. */
  record Versioned(byte[] bytes, String etag) {}

  /** The whole object with its entity tag, or null if there is none. */
  Versioned read(String key) throws IOException;

  /**
   * Replaces {@code key} only if it is still the version {@code etag} names (If-Match), or, with
   * a null {@code etag}, creates it only if absent (If-None-Match): a compare-and-swap. Returns
   * the new version's tag, or null if the object was not as expected.
   */
  String swap(String key, byte[] bytes, String etag) throws IOException;

  /** The whole object. */
  byte[] get(String key) throws IOException;

  /** The object's bytes {@code [from, from+length)}, fewer at its end. */
  byte[] get(String key, long from, int length) throws IOException;

  /** The object's size, or -1 if there is none. */
  long size(String key) throws IOException;

  /** Deletes the object; deleting one that is not there is not an error. */
  void delete(String key) throws IOException;

  /** The most keys one request deletes (S3's DeleteObjects takes up to 1,000). */
  int DELETE_BATCH = 1000;

  /**
   * Deletes the objects, up to {@link #DELETE_BATCH} to a request, in order; keys that are not
   * there are not errors. A request that fails, or a key the service refuses in its answer
   * (named with the service's code), stops it after that batch: the keys of the later batches
   * remain, and calling again with the same keys is safe. Without a batch request: one by one.
   */
  default void deleteAll(Collection<String> keys) throws IOException {
    for (String key : keys) {
      delete(key);
    }
  }

  /** Every object whose key starts with {@code prefix}, with its size. Not for hot paths. */
  Map<String, Long> list(String prefix) throws IOException;

  /** Attempts the client made again within requests (throttled, 5xx, a dropped connection). */
  default long retries() {
    return 0;
  }
}
