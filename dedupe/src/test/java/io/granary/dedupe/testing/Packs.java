package io.granary.dedupe.testing;

import io.granary.dedupe.api.ChunkId;
import io.granary.dedupe.pack.LocalPackStorage;
import io.granary.dedupe.pack.PackHeader;
import io.granary.dedupe.pack.PackScanner;
import io.granary.dedupe.pack.PackStorage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Reads a store's packs directly, to find records to damage or to count. */
public final class Packs {
  private Packs() {}

  /** A record found on disk: which pack file, where, and its header. */
  public record Found(int packId, Path file, PackScanner.ScannedRecord record) {}

  public static List<Found> records(Path storeDir) throws IOException {
    LocalPackStorage storage = new LocalPackStorage(storeDir.resolve("packs"));
    List<Found> out = new ArrayList<>();
    for (int packId : storage.list()) {
      try (PackStorage.Reader r = storage.openForRead(packId)) {
        PackScanner.scan(r, PackHeader.SIZE,
            rec -> out.add(new Found(packId, storage.path(packId), rec)));
      }
    }
    return out;
  }

  /**
   * The first pack that holds chunks of {@code wanted} and nothing else (no map page, no
   * other data), with the chunks it holds; fails if there is none.
   */
  public static Map.Entry<Integer, List<ChunkId>> packOfOnly(Path storeDir, Set<ChunkId> wanted)
      throws IOException {
    Map<Integer, List<ChunkId>> byPack = new TreeMap<>();
    for (Found f : records(storeDir)) {
      byPack.computeIfAbsent(f.packId(), k -> new ArrayList<>()).add(f.record().header().id());
    }
    return byPack.entrySet().stream().filter(e -> wanted.containsAll(e.getValue())).findFirst()
        .orElseThrow(() -> new AssertionError("no pack holds only the wanted chunks: " + byPack));
  }

  /** Flips every bit of the byte at {@code offset} in {@code file}. */
  public static void flipByte(Path file, long offset) throws IOException {
    try (var ch = java.nio.channels.FileChannel.open(file,
        java.nio.file.StandardOpenOption.READ, java.nio.file.StandardOpenOption.WRITE)) {
      java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(1);
      ch.read(b, offset);
      b.put(0, (byte) ~b.get(0));
      b.rewind();
      ch.write(b, offset);
    }
  }
}
