package io.granary.dedupe.testing;

import io.granary.dedupe.api.ChunkId;
import io.granary.dedupe.api.PackMedium;
import io.granary.dedupe.pack.LocalPackMedium;
import io.granary.dedupe.pack.PackHeader;
import io.granary.dedupe.pack.PackScanner;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Finds where a store's chunks lie by reading its pack files directly, to damage them there or
 * to count them: the other half of the chunk store's test seam, next to {@link FaultyMedium}.
 * {@code storeDir} is the store's directory ({@code ChunkStoreConfig.directory()}).
 */
public final class StoredChunks {
  private StoredChunks() {}

  /** Every valid chunk record of the store, pack by pack (in pack number order), in file order. */
  public static List<StoredChunk> all(Path storeDir) throws IOException {
    LocalPackMedium storage = new LocalPackMedium(storeDir.resolve("packs"));
    List<StoredChunk> out = new ArrayList<>();
    for (int packId : storage.list()) {
      try (PackMedium.Reader r = storage.openForRead(packId)) {
        PackScanner.scan(
            r,
            PackHeader.SIZE,
            rec ->
                out.add(
                    new StoredChunk(
                        rec.header().id(), packId, storage.path(packId), rec.offset())));
      }
    }
    return out;
  }

  /** The first record of chunk {@code id}; fails if no pack holds it. */
  public static StoredChunk find(Path storeDir, ChunkId id) throws IOException {
    return all(storeDir).stream()
        .filter(c -> c.id().equals(id))
        .findFirst()
        .orElseThrow(() -> new AssertionError("chunk " + id + " is not in any pack"));
  }

  /**
   * The first pack that holds chunks of {@code wanted} and nothing else (no map page, no
   * other data), with the chunks it holds; fails if there is none.
   */
  public static Map.Entry<Integer, List<ChunkId>> packHoldingOnly(
      Path storeDir, Set<ChunkId> wanted) throws IOException {
    Map<Integer, List<ChunkId>> byPack = new TreeMap<>();
    for (StoredChunk c : all(storeDir)) {
      byPack.computeIfAbsent(c.packId(), k -> new ArrayList<>()).add(c.id());
    }
    return byPack.entrySet().stream()
        .filter(e -> wanted.containsAll(e.getValue()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no pack holds only the wanted chunks: " + byPack));
  }
}
