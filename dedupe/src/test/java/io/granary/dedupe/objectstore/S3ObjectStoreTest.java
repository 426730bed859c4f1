package io.granary.dedupe.objectstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.granary.dedupe.api.ObjectStoreConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The S3 client against a real server (s3proxy): what the medium's tests do not reach. */
class S3ObjectStoreTest {
  @TempDir static Path serverDir;
  private static TestBucket bucket;

  @BeforeAll
  static void startServer() throws Exception {
    bucket = TestBucket.start(serverDir);
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (bucket != null) {
      bucket.close();
    }
  }

  /**
   * More keys than one request takes, most of them never written (so the test writes few):
   * two DeleteObjects requests, every object gone, the missing keys no error; no keys, no
   * request.
   */
  @Test
  void deleteAllDeletesInBatchesAndIgnoresMissingKeys() throws Exception {
    ObjectStoreConfig pool = bucket.pool(0);
    try (CountingObjectStore store = new CountingObjectStore(S3ObjectStore.open(pool))) {
      List<String> keys = new ArrayList<>();
      for (int i = 0; i < ObjectStore.DELETE_BATCH + 5; i++) {
        String key = pool.prefix() + String.format("o/%05d", i);
        keys.add(key);
        if (i % 50 == 7 || i >= ObjectStore.DELETE_BATCH - 2) {
          store.putIfAbsent(key, ("object " + i).getBytes(StandardCharsets.UTF_8));
        }
      }
      String kept = pool.prefix() + "kept";
      store.putIfAbsent(kept, new byte[] {1});
      assertEquals(20 + 7, store.list(pool.prefix() + "o/").size());
      long deletes = store.requests().delete();

      store.deleteAll(keys);

      assertEquals(deletes + 2, store.requests().delete(), "one request per batch");
      assertEquals(0, store.errors());
      assertEquals(List.of(kept), List.copyOf(store.list(pool.prefix()).keySet()));
      store.deleteAll(keys); // all missing now
      store.deleteAll(List.of());
      assertEquals(deletes + 4, store.requests().delete());
      assertTrue(store.size(kept) == 1);
    }
  }

  /**
   * A limit of 10 requests a second really spaces requests to the server: 25 HEADs take at
   * least 1.5 s (a burst of 10, then 15 at 100 ms), where unlimited they take a fraction of it.
   */
  @Test
  void aRequestLimitSpacesRequestsToTheServer() throws Exception {
    ObjectStoreConfig pool = bucket.pool(0);
    try (ThrottledObjectStore store = ThrottledObjectStore.limit(S3ObjectStore.open(pool), 10, 0)) {
      long start = System.nanoTime();
      for (int i = 0; i < 25; i++) {
        assertEquals(-1, store.size(pool.prefix() + "none"));
      }
      long took = (System.nanoTime() - start) / 1_000_000;
      assertTrue(took >= 1_400, took + " ms");
      long waited = store.waitedNanos() / 1_000_000;
      assertTrue(waited > 0 && waited <= took, waited + " ms waited of " + took);
    }
  }
}
