package io.granary.dedupe.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.granary.dedupe.api.Catalog;
import io.granary.dedupe.api.CatalogBatch;
import io.granary.dedupe.api.ChunkStore;
import io.granary.dedupe.api.ChunkStoreConfig;
import io.granary.dedupe.api.ChunkStores;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CatalogTest {
  @TempDir Path dir;

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void tablesAreSeparateOrderedAndSurviveReopen() throws Exception {
    try (ChunkStore store = ChunkStores.open(ChunkStoreConfig.defaults(dir))) {
      Catalog c = store.catalog();
      c.apply(
          new CatalogBatch()
              .put("volumes", b("vm2"), b("two"))
              .put("volumes", b("vm1"), b("one"))
              .put("volume", b("x"), b("a table whose name prefixes another"))
              .put("snapshots", b("vm1@s"), b("snap")));
      assertArrayEquals(b("one"), c.get("volumes", b("vm1")));
      assertNull(c.get("volumes", b("vm3")));
      List<Catalog.Entry> vols = c.list("volumes");
      assertEquals(2, vols.size());
      assertArrayEquals(b("vm1"), vols.get(0).key());
      assertArrayEquals(b("vm2"), vols.get(1).key());
      assertEquals(1, c.list("volume").size());
      // a batch is all or nothing: a bad change aborts the whole batch
      assertThrows(
          IllegalArgumentException.class,
          () -> c.apply(new CatalogBatch().delete("volumes", b("vm1")).put("", b("k"), b("v"))));
      assertArrayEquals(b("one"), c.get("volumes", b("vm1")));
      c.apply(new CatalogBatch().delete("volumes", b("vm1")).put("volumes", b("vm9"), b("nine")));
    }
    try (ChunkStore store = ChunkStores.open(ChunkStoreConfig.defaults(dir))) {
      Catalog c = store.catalog();
      assertNull(c.get("volumes", b("vm1")));
      assertEquals(
          List.of("vm2", "vm9"),
          c.list("volumes").stream()
              .map(e -> new String(e.key(), StandardCharsets.UTF_8))
              .toList());
      assertEquals(1, c.list("snapshots").size());
    }
  }
}
