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
}
