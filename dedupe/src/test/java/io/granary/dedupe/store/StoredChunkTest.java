package io.granary.dedupe.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.granary.dedupe.api.ChunkId;
import io.granary.dedupe.api.ChunkStore;
import io.granary.dedupe.api.ChunkStoreConfig;
import io.granary.dedupe.api.ChunkStores;
import io.granary.dedupe.api.Codec;
import io.granary.dedupe.api.CodecSpec;
import io.granary.dedupe.api.InvalidChunkException;
import io.granary.dedupe.api.StoredChunk;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Chunks moved between stores as stored: they keep their codec and payload, the receiver checks
 * them against their ids and refuses what does not match, and retain reports what is there.
 */
class StoredChunkTest {
  private static final int LEN = 16 << 10;

  @TempDir Path dir;

  @Test
  void chunksTravelAsStoredAndReadBackTheSame() throws Exception {
    try (ChunkStore a = ChunkStores.open(ChunkStoreConfig.defaults(dir.resolve("a")));
        ChunkStore b = ChunkStores.open(ChunkStoreConfig.defaults(dir.resolve("b")))) {
      byte[] text = compressible();
      byte[] noise = random(1);
      byte[] zeroes = new byte[LEN];
      ChunkId lz4 = a.put(text, 0, LEN, CodecSpec.parse("lz4"));
      ChunkId zstd = a.put(Arrays.copyOf(text, LEN - 1), 0, LEN - 1, CodecSpec.parse("zstd:3"));
      ChunkId raw = a.put(noise, 0, LEN, CodecSpec.parse("lz4"));
      ChunkId zero = a.put(zeroes);
      assertEquals(Codec.LZ4, a.getStored(lz4).codec());
      assertTrue(a.getStored(lz4).payload().length < LEN / 2, "compressed as stored");
      assertEquals(Codec.ZSTD, a.getStored(zstd).codec());
      assertEquals(Codec.NONE, a.getStored(raw).codec(), "incompressible: stored raw");
      assertEquals(Codec.ZERO, a.getStored(zero).codec());

      assertArrayEquals(
          new boolean[] {false, false, false, false}, b.retain(ids(lz4, zstd, raw, zero)));
      for (ChunkId id : ids(lz4, zstd, raw, zero)) {
        assertEquals(id, b.putStored(a.getStored(id)));
        assertArrayEquals(a.get(id), b.get(id));
        assertEquals(a.getStored(id).codec(), b.getStored(id).codec(), "not recompressed");
      }
      assertArrayEquals(
          new boolean[] {true, true, true, true}, b.retain(ids(lz4, zstd, raw, zero)));
      b.sync();
    }
  }

  @Test
  void aChunkThatIsNotWhatItsIdSaysIsRefusedAndNotStored() throws Exception {
    try (ChunkStore a = ChunkStores.open(ChunkStoreConfig.defaults(dir.resolve("a")));
        ChunkStore b = ChunkStores.open(ChunkStoreConfig.defaults(dir.resolve("b")))) {
      ChunkId lz4 = a.put(compressible(), 0, LEN, CodecSpec.parse("lz4"));
      ChunkId raw = a.put(random(2), 0, LEN, CodecSpec.parse("none"));
      ChunkId other = a.put(random(3), 0, LEN, CodecSpec.parse("none"));
      StoredChunk good = a.getStored(lz4);

      byte[] flipped = good.payload().clone();
      flipped[flipped.length / 2] ^= 0x55;
      assertRefused(b, new StoredChunk(lz4, Codec.LZ4, good.level(), LEN, flipped));
      byte[] truncated = Arrays.copyOf(good.payload(), good.payload().length - 3);
      assertRefused(b, new StoredChunk(lz4, Codec.LZ4, good.level(), LEN, truncated));
      assertRefused(b, new StoredChunk(lz4, Codec.ZSTD, 3, LEN, good.payload()));
      StoredChunk noise = a.getStored(raw);
      assertRefused(b, new StoredChunk(other, Codec.NONE, 0, LEN, noise.payload()));
      assertRefused(b, new StoredChunk(raw, Codec.ZERO, 0, LEN, new byte[0]));
      assertFalse(b.contains(lz4) || b.contains(other) || b.contains(raw), "nothing stored");
      assertThrows(
          IllegalArgumentException.class,
          () -> new StoredChunk(raw, Codec.NONE, 0, LEN, new byte[LEN - 1]),
          "a raw payload shorter than the chunk");
    }
  }

  private static void assertRefused(ChunkStore store, StoredChunk chunk) {
    assertThrows(InvalidChunkException.class, () -> store.putStored(chunk), chunk.codec().label());
  }

  private static ChunkId[] ids(ChunkId... ids) {
    return ids;
  }

  private static byte[] compressible() {
    byte[] b = new byte[LEN];
    for (int i = 0; i < LEN; i++) {
      b[i] = (byte) "granary replication ".charAt(i % 20);
    }
    return b;
  }

  private static byte[] random(long seed) {
    byte[] b = new byte[LEN];
    new Random(seed).nextBytes(b);
    return b;
  }
}
