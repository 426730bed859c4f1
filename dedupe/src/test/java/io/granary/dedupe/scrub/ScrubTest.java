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
import io.granary.dedupe.testing.FaultyMedium;
import io.granary.dedupe.testing.StoredChunk;
import io.granary.dedupe.testing.StoredChunk.PackField;
import io.granary.dedupe.testing.StoredChunk.RecordField;
import io.granary.dedupe.testing.StoredChunks;
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
    List<StoredChunk> records = new ArrayList<>(StoredChunks.all(dir));
    records.sort(Comparator.comparing(StoredChunk::offset));
    StoredChunk payloadHit = records.get(10);
    StoredChunk headerHit = records.get(40);
    payloadHit.flipPayloadByte(100);
    headerHit.flip(RecordField.RAW_LENGTH);

    try (ChunkStore store = ChunkStores.open(config)) {
      for (StoredChunk hit : List.of(payloadHit, headerHit)) {
        ChunkId id = hit.id();
        ChunkCorruptedException e =
            assertThrows(ChunkCorruptedException.class, () -> store.get(id));
        assertEquals(StoreException.Kind.CORRUPT_CHUNK, e.kind());
        assertEquals(hit.packId(), e.damage().packId());
        assertEquals(hit.offset(), e.damage().offset());
      }
      // Everything else is untouched and readable.
      for (Map.Entry<ChunkId, byte[]> e : data.entrySet()) {
        if (!e.getKey().equals(payloadHit.id()) && !e.getKey().equals(headerHit.id())) {
          assertArrayEquals(e.getValue(), store.get(e.getKey()));
        }
      }
      ScrubReport report = store.scrub(ProgressListener.NONE);
      assertEquals(60, report.chunksChecked());
      assertEquals(2, report.damaged().size(), report.damaged().toString());
      for (DamagedChunk d : report.damaged()) {
        StoredChunk hit = d.id().equals(payloadHit.id()) ? payloadHit : headerHit;
        assertEquals(hit.packId(), d.packId());
        assertEquals(hit.offset(), d.offset());
      }

      // Writing the same content again repairs the chunk, as a resilver would.
      ChunkId healed = payloadHit.id();
      store.put(data.get(healed));
      assertArrayEquals(data.get(healed), store.get(healed));
      ScrubReport after = store.scrub(ProgressListener.NONE);
      assertEquals(1, after.damaged().size());
      assertEquals(headerHit.id(), after.damaged().get(0).id());
    }
    try (ChunkStore store = ChunkStores.open(config)) {
      ChunkId healed = payloadHit.id();
      assertArrayEquals(data.get(healed), store.get(healed));
    }
  }

  @Test
  void readErrorsFromTheMediumAreReportedPerChunkAndStopWhenTheMediumRecovers() throws Exception {
    ChunkStoreConfig config = ChunkStoreConfig.defaults(dir);
    FaultyMedium medium = new FaultyMedium();
    try (ChunkStore store = medium.open(config)) {
      ChunkId id = store.put(TestData.random(1, 4096));
      store.sync();
      medium.failReads(true);
      IOException e = assertThrows(IOException.class, () -> store.get(id));
      assertTrue(e.getMessage().contains("Input/output error"), e.toString());
      medium.failReads(false);
      assertArrayEquals(TestData.random(1, 4096), store.get(id));
    }
  }

  @Test
  void scrubReportsTheChunksOfAnUnreadablePackAndGoesOnThenIsCleanOnceItReadsAgain()
      throws Exception {
    ChunkStoreConfig config =
        ChunkStoreConfig.defaults(dir).withCodec(CodecSpec.NONE).withPackTargetBytes(1 << 20);
    FaultyMedium medium = new FaultyMedium();
    Map<ChunkId, byte[]> data = new HashMap<>();
    try (ChunkStore store = medium.open(config)) {
      for (int i = 0; i < 40; i++) {
        byte[] d = TestData.random(i, 100_000);
        data.put(store.put(d), d);
      }
      store.sync();
      Map<ChunkId, Integer> packOf = new HashMap<>();
      StoredChunks.all(dir).forEach(c -> packOf.put(c.id(), c.packId()));
      int bad = packOf.get(data.keySet().iterator().next());
      List<ChunkId> inBad =
          packOf.entrySet().stream()
              .filter(e -> e.getValue() == bad)
              .map(Map.Entry::getKey)
              .sorted()
              .toList();
      assertTrue(inBad.size() >= 5 && inBad.size() < data.size(), inBad.toString());

      medium.failReads(bad, true);
      ScrubReport during = store.scrub(ProgressListener.NONE);
      assertEquals(data.size(), during.chunksChecked(), "the scrub went on past the errors");
      assertEquals(inBad, during.damaged().stream().map(DamagedChunk::id).sorted().toList());
      for (DamagedChunk d : during.damaged()) {
        assertEquals(bad, d.packId());
        assertTrue(d.reason().contains("Input/output error"), d.reason());
      }
      assertEquals(
          List.of(bad),
          during.damagedPacks().stream().map(DamagedPack::packId).toList(),
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
      medium.failReads(bad, false);
      ChunkId again = store.put(data.get(inBad.get(0)));
      assertEquals(inBad.get(0), again);
      assertEquals(data.size(), store.stats().chunks());
      assertTrue(store.scrub(ProgressListener.NONE).clean());
      for (Map.Entry<ChunkId, byte[]> e : data.entrySet()) {
        assertArrayEquals(e.getValue(), store.get(e.getKey()));
      }
      System.out.println(
          "ScrubTest: "
              + medium.readFaultsInjected()
              + " read faults injected"
              + " into 1 pack of "
              + (int) packOf.values().stream().distinct().count()
              + "; scrub reported exactly its "
              + inBad.size()
              + " chunks, then none; "
              + 2L * data.size() * 100_000
              + " bytes verified");
    }
  }

  @Test
  void aDamagedPackHeaderIsReportedAndTheRecordsBehindItStillRead() throws Exception {
    ChunkStoreConfig config =
        ChunkStoreConfig.defaults(dir).withCodec(CodecSpec.NONE).withPackTargetBytes(1 << 20);
    Map<ChunkId, byte[]> data = new HashMap<>();
    try (ChunkStore store = ChunkStores.open(config)) {
      for (int i = 0; i < 30; i++) {
        byte[] d = TestData.random(i, 100_000);
        data.put(store.put(d), d);
      }
    }
    StoredChunk first = StoredChunks.all(dir).get(0);
    first.flipPackHeader(PackField.PACK_ID); // the header checksum fails
    try (ChunkStore store = ChunkStores.open(config)) {
      ScrubReport r = store.scrub(ProgressListener.NONE);
      assertFalse(r.clean());
      assertEquals(
          List.of(first.packId()),
          r.damagedPacks().stream().map(DamagedPack::packId).toList(),
          r.toString());
      assertTrue(r.damagedPacks().get(0).reason().contains("checksum"), r.toString());
      assertTrue(r.packsChecked() >= 3, r.toString());
      assertEquals(List.of(), r.damaged(), "every record is sound on its own");
      for (Map.Entry<ChunkId, byte[]> e : data.entrySet()) {
        assertArrayEquals(e.getValue(), store.get(e.getKey()));
      }
    }
  }
}
