package io.granary.dedupe.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.granary.dedupe.api.ChunkId;
import io.granary.dedupe.api.ChunkStore;
import io.granary.dedupe.api.ChunkStoreConfig;
import io.granary.dedupe.api.ChunkStores;
import io.granary.dedupe.api.Codec;
import io.granary.dedupe.api.ProgressListener;
import io.granary.dedupe.pack.RecordHeader;
import io.granary.dedupe.testing.StoredChunk;
import io.granary.dedupe.testing.StoredChunks;
import io.granary.testing.TestData;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TornTailTest {
  @TempDir Path dir;

  /** A crash mid-append leaves a prefix of a record; every prefix length is cut on reopen. */
  @ParameterizedTest
  @ValueSource(ints = {1, 4, 30, 55, 56, 57, 4000, 8191})
  void aTornRecordAtTheTailIsCutAndNeverReadBack(int tornLength) throws Exception {
    ChunkStoreConfig config = ChunkStoreConfig.defaults(dir);
    List<ChunkId> ids = new ArrayList<>();
    try (ChunkStore store = ChunkStores.open(config)) {
      for (int i = 0; i < 20; i++) {
        ids.add(store.put(TestData.random(i, 8192)));
      }
    }
    StoredChunk last = StoredChunks.all(dir).get(19);
    Path pack = last.packFile();
    long goodSize = Files.size(pack);

    byte[] lost = TestData.random(999, 8192);
    ChunkId lostId = ChunkId.of(MessageDigest.getInstance("SHA-256").digest(lost));
    ByteBuffer record = ByteBuffer.allocate(RecordHeader.SIZE + lost.length);
    new RecordHeader(
            lostId,
            Codec.NONE,
            0,
            lost.length,
            lost.length,
            RecordHeader.payloadCrc(lost, 0, lost.length))
        .encode(record);
    record.put(lost).flip().limit(tornLength);
    try (FileChannel ch = FileChannel.open(pack, StandardOpenOption.APPEND)) {
      ch.write(record);
    }

    try (ChunkStore store = ChunkStores.open(config)) {
      assertEquals(goodSize, Files.size(pack), "the torn tail was cut");
      assertFalse(store.contains(lostId));
      for (int i = 0; i < 20; i++) {
        assertArrayEquals(TestData.random(i, 8192), store.get(ids.get(i)));
      }
      ChunkId fresh = store.put(TestData.random(1000, 8192));
      assertArrayEquals(TestData.random(1000, 8192), store.get(fresh));
      assertTrue(store.scrub(ProgressListener.NONE).clean());
    }
  }
}
