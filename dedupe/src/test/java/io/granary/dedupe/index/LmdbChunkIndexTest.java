package io.granary.dedupe.index;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.granary.dedupe.api.CatalogBatch;
import io.granary.dedupe.api.ChunkId;
import io.granary.dedupe.api.Codec;
import io.granary.dedupe.pack.PackLocation;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LmdbChunkIndexTest {
  @TempDir Path dir;

  private static final IndexEntry ENTRY =
      new IndexEntry(new PackLocation(1, 64), 100, 16384, Codec.LZ4, 0);

  private static ChunkId id(int b) {
    byte[] digest = new byte[ChunkId.BYTES];
    Arrays.fill(digest, (byte) b);
    return ChunkId.of(digest);
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** A flush's root row commits with its chunks' entries, or neither does. */
  @Test
  void catalogRowsCommitInTheSameTransactionAsTheEntries() throws Exception {
    try (LmdbChunkIndex index = LmdbChunkIndex.open(dir)) {
      IndexBatch bad =
          new IndexBatch()
              .put(id(1), ENTRY)
              .withRows(
                  new CatalogBatch().put("volumes", b("vm"), b("root")).put("", b("k"), b("v")));
      assertThrows(IllegalArgumentException.class, () -> index.apply(bad));
      assertNull(index.get(id(1)), "the entries of a batch whose rows failed were committed");
      assertNull(index.catalog().get("volumes", b("vm")));
      assertEquals(0, index.counters().chunks());

      index.apply(
          new IndexBatch()
              .put(id(2), ENTRY)
              .withRows(new CatalogBatch().put("volumes", b("vm"), b("root"))));
    }
    try (LmdbChunkIndex index = LmdbChunkIndex.open(dir)) {
      assertEquals(ENTRY, index.get(id(2)));
      assertArrayEquals(b("root"), index.catalog().get("volumes", b("vm")));
      assertEquals(1, index.counters().chunks());
    }
  }

  /** Rows alone are a batch to apply, not an empty one. */
  @Test
  void aBatchOfRowsAloneIsApplied() throws Exception {
    try (LmdbChunkIndex index = LmdbChunkIndex.open(dir)) {
      index.apply(new IndexBatch().withRows(new CatalogBatch().put("volumes", b("vm"), b("r"))));
      assertArrayEquals(b("r"), index.catalog().get("volumes", b("vm")));
    }
  }
}
