package io.granary.snapshots.tree;

import io.granary.dedupe.api.ChunkId;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.Map;

/** Pages in a map, addressed by the SHA-256 of their encoding as the real store does. */
final class MemoryPageStore implements PageStore {
  final Map<ChunkId, byte[]> stored = new HashMap<>();
  int loads;

  @Override
  public MapPage load(ChunkId id) throws IOException {
    loads++;
    byte[] b = stored.get(id);
    if (b == null) {
      throw new IOException("no page " + id);
    }
    return MapPage.decode(b);
  }

  @Override
  public ChunkId store(MapPage page) {
    byte[] b = page.encode();
    try {
      ChunkId id = ChunkId.of(MessageDigest.getInstance("SHA-256").digest(b));
      stored.put(id, b);
      return id;
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
