package io.granary.dedupe.objectstore;

import io.granary.dedupe.api.ObjectStoreConfig;
import io.granary.dedupe.api.PackMedium;
import io.granary.dedupe.pack.PackMediumContract;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The medium contract on an object store, a real S3 server: sealing uploads, so every sealed
 * pack the suite reads after {@link #settle} comes back through ranged GETs and the cache. The
 * cache's cap is small, so reads also go past it.
 */
class ObjectStorePackMediumContractTest extends PackMediumContract {
  @TempDir static Path serverDir;
  private static TestBucket bucket;
  private ObjectStoreConfig pool;

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

  @BeforeEach
  void newPool() {
    pool = bucket.pool(3 * PackCache.PAGE / 2);
  }

  @Override
  protected PackMedium open(Path spool) throws IOException {
    // as in a store's directory: the cache goes beside the spool
    return ObjectStorePackMedium.factory(pool, ObjectStorePackMedium.Access.WRITE)
        .open(spool.resolve("packs"));
  }

  @Override
  protected void settle(PackMedium medium) throws Exception {
    ((ObjectStorePackMedium) medium).awaitUploads();
  }
}
