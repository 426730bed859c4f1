package io.granary.appliance.pool;

import io.granary.dedupe.api.ChunkStore;
import io.granary.dedupe.api.ChunkStoreConfig;
import io.granary.dedupe.api.ChunkStores;
import io.granary.snapshots.api.VolumeStore;
import io.granary.snapshots.api.VolumeStoreConfig;
import io.granary.snapshots.api.VolumeStores;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An open capacity pool: a directory holding one chunk store (the dedupe domain) and the
 * volumes kept in it ({@code PATH/store}, {@code PATH/journal}).
 */
public final class Pool implements Closeable {
  private final String name;
  private final Path path;
  private final String profile;
  private final ChunkStore chunks;
  private final VolumeStore volumes;

  private Pool(String name, Path path, String profile, ChunkStore chunks, VolumeStore volumes) {
    this.name = name;
    this.path = path;
    this.profile = profile;
    this.chunks = chunks;
    this.volumes = volumes;
  }

  /** Opens (creating when absent) the pool in {@code path}; replays nothing until volumes open. */
  static Pool open(String name, Path path, String profile, VolumeStoreConfig tuning)
      throws IOException {
    Files.createDirectories(path);
    ChunkStore chunks = ChunkStores.open(ChunkStoreConfig.defaults(path.resolve("store")));
    try {
      VolumeStoreConfig config = new VolumeStoreConfig(path.resolve("journal"),
          tuning.dirtyLimitBytes(), tuning.volumeFlushBytes(), tuning.flushInterval(),
          tuning.blockCacheBytes(), tuning.pageCacheBytes(), tuning.flushThreads(),
          tuning.clock());
      return new Pool(name, path, profile, chunks, VolumeStores.open(chunks, config));
    } catch (IOException | RuntimeException e) {
      chunks.close();
      throw e;
    }
  }

  public String name() {
    return name;
  }

  public Path path() {
    return path;
  }

  public String profile() {
    return profile;
  }

  public ChunkStore chunks() {
    return chunks;
  }

  public VolumeStore volumes() {
    return volumes;
  }

  /** Flushes every volume, then closes the volumes and the chunk store. */
  @Override
  public void close() throws IOException {
    try {
      volumes.close();
    } finally {
      chunks.close();
    }
  }
}
