package io.granary.dedupe.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.granary.dedupe.api.Catalog;
import io.granary.dedupe.api.CatalogBatch;
import io.granary.dedupe.api.ChunkId;
import io.granary.dedupe.api.ChunkStore;
import io.granary.dedupe.api.ChunkStoreConfig;
import io.granary.dedupe.api.ChunkStores;
import io.granary.dedupe.testing.FaultyMedium;
import io.granary.testing.TestData;
import java.io.IOException;
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

  /** A flush's commit: the chunks put before it and its row become durable together. */
  @Test
  void rowsSyncedWithThePutsBeforeThem() throws Exception {
    FaultyMedium medium = new FaultyMedium();
    ChunkStoreConfig config = ChunkStoreConfig.defaults(dir);
    byte[] data = TestData.random(7, 16384);
    ChunkStore failing = medium.open(config);
    ChunkId id = failing.put(data);
    medium.failFsync(true);
    assertThrows(
        IOException.class,
        () -> failing.syncWith(new CatalogBatch().put("volumes", b("vm"), b("root-1"))));
    assertNull(failing.catalog().get("volumes", b("vm")), "a row went in without its chunks");
    assertThrows(IOException.class, failing::close); // its last commit fails the same way
    medium.failFsync(false);
    try (ChunkStore store = medium.open(config)) {
      assertNull(store.catalog().get("volumes", b("vm")));
      store.put(data);
      store.syncWith(new CatalogBatch().put("volumes", b("vm"), b("root-2")));
      assertArrayEquals(b("root-2"), store.catalog().get("volumes", b("vm")));
    }
    try (ChunkStore store = ChunkStores.open(config)) {
      assertArrayEquals(data, store.get(id));
      assertArrayEquals(b("root-2"), store.catalog().get("volumes", b("vm")));
    }
  }
}
