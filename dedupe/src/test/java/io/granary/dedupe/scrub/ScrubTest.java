package io.granary.dedupe.scrub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.granary.dedupe.api.ChunkCorruptedException;
import io.granary.dedupe.api.ChunkId;
import io.granary.dedupe.api.ChunkStore;
import io.granary.dedupe.api.ChunkStoreConfig;
import io.granary.dedupe.api.ChunkStores;
import io.granary.dedupe.api.CodecSpec;
import io.granary.dedupe.api.DamagedChunk;
import io.granary.dedupe.api.DamagedPack;
import io.granary.dedupe.api.ProgressListener;
import io.granary.dedupe.api.ScrubReport;
import io.granary.dedupe.api.StoreException;
import io.granary.dedupe.pack.RecordHeader;
import io.granary.dedupe.store.LocalChunkStore;
import io.granary.dedupe.testing.FaultyPackStorage;
import io.granary.dedupe.testing.Packs;
import io.granary.testing.TestData;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScrubTest {
  @TempDir Path dir;

  @Test
  void flippedBytesAreFoundByReadsAndByScrubAndRePuttingHeals() throws Exception {
    ChunkStoreConfig config = ChunkStoreConfig.defaults(dir);
    Map<ChunkId, byte[]> data = new HashMap<>();
    try (ChunkStore store = ChunkStores.open(config)) {
      for (int i = 0; i < 60; i++) {
        byte[] d = i % 2 == 0 ? TestData.compressible(i, 30_000) : TestData.random(i, 30_000);
        data.put(store.put(d, 0, d.length, i % 4 == 0 ? CodecSpec.zstd(3) : null), d);
      }
    }
    List<Packs.Found> records = new ArrayList<>(Packs.records(dir));
    records.sort(Comparator.comparing(f -> f.record().offset()));
    Packs.Found payloadHit = records.get(10);
    Packs.Found headerHit = records.get(40);
    Packs.flipByte(payloadHit.file(), payloadHit.record().offset() + RecordHeader.SIZE + 100);
    Packs.flipByte(headerHit.file(), headerHit.record().offset() + 9);

    try (ChunkStore store = ChunkStores.open(config)) {
      for (Packs.Found hit : List.of(payloadHit, headerHit)) {
        ChunkId id = hit.record().header().id();
        ChunkCorruptedException e = assertThrows(ChunkCorruptedException.class,
            () -> store.get(id));
        assertEquals(StoreException.Kind.CORRUPT_CHUNK, e.kind());
        assertEquals(hit.packId(), e.damage().packId());
        assertEquals(hit.record().offset(), e.damage().offset());
      }
      // Everything else is untouched and readable.
      for (Map.Entry<ChunkId, byte[]> e : data.entrySet()) {
        if (!e.getKey().equals(payloadHit.record().header().id())
            && !e.getKey().equals(headerHit.record().header().id())) {
          assertArrayEquals(e.getValue(), store.get(e.getKey()));
        }
      }
      ScrubReport report = store.scrub(ProgressListener.NONE);
      assertEquals(60, report.chunksChecked());
      assertEquals(2, report.damaged().size(), report.damaged().toString());
      for (DamagedChunk d : report.damaged()) {
        Packs.Found hit = d.id().equals(payloadHit.record().header().id()) ? payloadHit : headerHit;
        assertEquals(hit.packId(), d.packId());
        assertEquals(hit.record().offset(), d.offset());
      }

      // Writing the same content again repairs the chunk, as a resilver would.
      ChunkId healed = payloadHit.record().header().id();
      store.put(data.get(healed));
      assertArrayEquals(data.get(healed), store.get(healed));
      ScrubReport after = store.scrub(ProgressListener.NONE);
      assertEquals(1, after.damaged().size());
      assertEquals(headerHit.record().header().id(), after.damaged().get(0).id());
    }
    try (ChunkStore store = ChunkStores.open(config)) {
      ChunkId healed = payloadHit.record().header().id();
      assertArrayEquals(data.get(healed), store.get(healed));
    }
  }

  @Test
  void readErrorsFromTheMediumAreReportedPerChunkAndStopWhenTheMediumRecovers()
      throws Exception {
    ChunkStoreConfig config = ChunkStoreConfig.defaults(dir);
    io.granary.dedupe.testing.FaultyPackStorage[] medium = new io.granary.dedupe.testing.FaultyPackStorage[1];
    try (ChunkStore store = io.granary.dedupe.store.LocalChunkStore.open(config,
        s -> medium[0] = new io.granary.dedupe.testing.FaultyPackStorage(s), false)) {
      ChunkId id = store.put(TestData.random(1, 4096));
      store.sync();
      medium[0].failReads(true);
      java.io.IOException e = assertThrows(java.io.IOException.class, () -> store.get(id));
      assertTrue(e.getMessage().contains("Input/output error"), e.toString());
      medium[0].failReads(false);
      assertArrayEquals(TestData.random(1, 4096), store.get(id));
    }
  }

  @Test
  void scrubReportsTheChunksOfAnUnreadablePackAndGoesOnThenIsCleanOnceItReadsAgain()
      throws Exception {
    ChunkStoreConfig config = ChunkStoreConfig.defaults(dir).withCodec(CodecSpec.NONE)
        .withPackTargetBytes(1 << 20);
    FaultyPackStorage[] medium = new FaultyPackStorage[1];
    Map<ChunkId, byte[]> data = new HashMap<>();
    try (ChunkStore store = LocalChunkStore.open(config, s -> medium[0] = new FaultyPackStorage(s),
        false)) {
      for (int i = 0; i < 40; i++) {
        byte[] d = TestData.random(i, 100_000);
        data.put(store.put(d), d);
      }
      store.sync();
      Map<ChunkId, Integer> packOf = new HashMap<>();
      Packs.records(dir).forEach(f -> packOf.put(f.record().header().id(), f.packId()));
      int bad = packOf.get(data.keySet().iterator().next());
      List<ChunkId> inBad = packOf.entrySet().stream().filter(e -> e.getValue() == bad)
          .map(Map.Entry::getKey).sorted().toList();
      assertTrue(inBad.size() >= 5 && inBad.size() < data.size(), inBad.toString());

      medium[0].failReads(bad, true);
      ScrubReport during = store.scrub(ProgressListener.NONE);
      assertEquals(data.size(), during.chunksChecked(), "the scrub went on past the errors");
      assertEquals(inBad, during.damaged().stream().map(DamagedChunk::id).sorted().toList());
      for (DamagedChunk d : during.damaged()) {
        assertEquals(bad, d.packId());
        assertTrue(d.reason().contains("Input/output error"), d.reason());
      }
      assertEquals(List.of(bad), during.damagedPacks().stream().map(DamagedPack::packId).toList(),
          "its header cannot be read either");
      for (Map.Entry<ChunkId, byte[]> e : data.entrySet()) {
        if (inBad.contains(e.getKey())) {
          IOException x = assertThrows(IOException.class, () -> store.get(e.getKey()));
          assertFalse(x instanceof StoreException, "a read error, not damage: " + x);
        } else {
          assertArrayEquals(e.getValue(), store.get(e.getKey()));
        }
      }

      // A transient error: nothing was marked lost, and a put of the same content dedupes.
      medium[0].failReads(bad, false);
      ChunkId again = store.put(data.get(inBad.get(0)));
      assertEquals(inBad.get(0), again);
      assertEquals(data.size(), store.stats().chunks());
      assertTrue(store.scrub(ProgressListener.NONE).clean());
      for (Map.Entry<ChunkId, byte[]> e : data.entrySet()) {
        assertArrayEquals(e.getValue(), store.get(e.getKey()));
      }
      System.out.println("ScrubTest: " + medium[0].readFaultsInjected() + " read faults injected"
          + " into 1 pack of " + (int) packOf.values().stream().distinct().count()
          + "; scrub reported exactly its " + inBad.size() + " chunks, then none; "
          + 2L * data.size() * 100_000 + " bytes verified");
    }
  }

  @Test
  void aDamagedPackHeaderIsReportedAndTheRecordsBehindItStillRead() throws Exception {
    ChunkStoreConfig config = ChunkStoreConfig.defaults(dir).withCodec(CodecSpec.NONE)
        .withPackTargetBytes(1 << 20);
    Map<ChunkId, byte[]> data = new HashMap<>();
    try (ChunkStore store = ChunkStores.open(config)) {
      for (int i = 0; i < 30; i++) {
        byte[] d = TestData.random(i, 100_000);
        data.put(store.put(d), d);
      }
    }
    Packs.Found first = Packs.records(dir).get(0);
    Packs.flipByte(first.file(), 13); // the pack number field: the header checksum fails
    try (ChunkStore store = ChunkStores.open(config)) {
      ScrubReport r = store.scrub(ProgressListener.NONE);
      assertFalse(r.clean());
      assertEquals(List.of(first.packId()),
          r.damagedPacks().stream().map(DamagedPack::packId).toList(), r.toString());
      assertTrue(r.damagedPacks().get(0).reason().contains("checksum"), r.toString());
      assertTrue(r.packsChecked() >= 3, r.toString());
      assertEquals(List.of(), r.damaged(), "every record is sound on its own");
      for (Map.Entry<ChunkId, byte[]> e : data.entrySet()) {
        assertArrayEquals(e.getValue(), store.get(e.getKey()));
      }
    }
  }
}
