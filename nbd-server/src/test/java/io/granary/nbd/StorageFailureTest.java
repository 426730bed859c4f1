package io.granary.nbd;

import static io.granary.nbd.testing.RawNbdClient.EIO;
import static io.granary.nbd.testing.RawNbdClient.ENOSPC;
import static io.granary.nbd.testing.RawNbdClient.READ;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.granary.dedupe.api.ChunkId;
import io.granary.dedupe.testing.FaultyMedium;
import io.granary.dedupe.testing.StoredChunks;
import io.granary.nbd.testing.NbdWire.Chunk;
import io.granary.nbd.testing.RawNbdClient;
import io.granary.nbd.testing.RawNbdClient.SimpleReply;
import io.granary.nbd.testing.TestExports;
import io.granary.snapshots.api.Volume;
import io.granary.snapshots.testing.TestPool;
import io.granary.testing.TestData;
import java.nio.file.Path;
import java.security.MessageDigest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Failures of the storage below reach the client as the errors the spec names. */
class StorageFailureTest {
  private static final int MIB = 1 << 20;
  private static final int BLOCK = 16 << 10;

  @TempDir Path dir;

  @Test
  void aFullPoolIsEnospcAndAcknowledgedDataStaysReadable() throws Exception {
    fillThePool(true);
  }

  @Test
  void aPoolFullBeforeItsFirstPackIsEnospcToo() throws Exception {
    // Once a writer that waited for dirty memory hung here forever: the failure to create the
    // first pack was a plain I/O error, which the dirty budget's waiters never saw.
    fillThePool(false);
  }

  private void fillThePool(boolean packExists) throws Exception {
    FaultyMedium medium = new FaultyMedium();
    // A small dirty budget: once the pack medium is full, buffered writes cannot drain.
    try (TestExports exports =
        new TestExports(
            new TestPool(dir, medium::open, c -> c.withDirtyLimit(2 * MIB, 256 << 10)))) {
      exports.create("vol", 64 * MIB);
      int port = TestExports.port(exports.serve());
      try (RawNbdClient c = RawNbdClient.open(port, "test/vol", false)) {
        assertEquals(0, c.write(0, 0, TestData.random(0, MIB)));
        if (packExists) {
          exports.volumes().flushAll();
        }
        medium.fillAfter(0);
        int error = 0;
        int written = 1;
        while (error == 0 && written < 32) {
          error = c.write(written, (long) written * MIB, TestData.random(written, MIB));
          written += error == 0 ? 1 : 0;
        }
        assertEquals(ENOSPC, error, "after " + written + " MiB");
        assertTrue(written >= 2, "the dirty budget took some writes before the pool was full");
        assertArrayEquals(TestData.random(0, MIB), c.read(100, 0, MIB));
        assertArrayEquals(TestData.random(1, MIB), c.read(101, MIB, MIB));
      } finally {
        medium.freeSpace();
      }
    }
  }

  @Test
  void aDamagedChunkIsEioAndTheRestStaysReadable() throws Exception {
    byte[] damaged = TestData.random(1, BLOCK);
    byte[] intact = TestData.random(2, BLOCK);
    TestPool pool = new TestPool(dir);
    try (TestExports exports = new TestExports(pool)) {
      exports.create("vol", MIB);
      try (Volume v = exports.volumes().open("vol")) {
        v.write(0, damaged, 0, BLOCK, false);
        v.write(BLOCK, intact, 0, BLOCK, false);
      }
      exports.volumes().flushAll();
    }
    ChunkId id = ChunkId.of(MessageDigest.getInstance("SHA-256").digest(damaged));
    StoredChunks.find(pool.chunkStoreDir(), id).flipPayloadByte(100);

    try (TestExports exports = new TestExports(dir)) {
      int port = TestExports.port(exports.serve());
      try (RawNbdClient c = RawNbdClient.open(port, "test/vol", false)) {
        c.request(0, READ, 1, 0, 4096, null);
        assertEquals(new SimpleReply(EIO, 1), c.readSimple());
        assertArrayEquals(intact, c.read(2, BLOCK, BLOCK));
      }
      try (RawNbdClient c = RawNbdClient.open(port, "test/vol", true)) {
        c.request(0, READ, 3, 100, 200, null);
        Chunk error = c.readChunk();
        assertEquals(0x8001, error.type());
        assertTrue(error.done());
        assertEquals(EIO, error.body().getInt());
      }
    }
  }
}
