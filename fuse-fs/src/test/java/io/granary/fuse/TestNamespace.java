package io.granary.fuse;

import io.granary.dedupe.api.ChunkStore;
import io.granary.dedupe.api.ChunkStoreConfig;
import io.granary.dedupe.api.ChunkStores;
import io.granary.fuse.api.FuseNamespace;
import io.granary.fuse.api.PoolSpace;
import io.granary.snapshots.api.NoSuchVolumeException;
import io.granary.snapshots.api.VolumeSpec;
import io.granary.snapshots.api.VolumeStore;
import io.granary.snapshots.api.VolumeStoreConfig;
import io.granary.snapshots.api.VolumeStores;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** One pool named {@code test} in a temporary directory, as the appliance would expose it. */
final class TestNamespace implements FuseNamespace, AutoCloseable {
  static final String POOL = "test";
  private final Path dir;
  private final ChunkStore chunks;
  final VolumeStore volumes;

  TestNamespace(Path dir) throws IOException {
    this(dir, ChunkStores.open(ChunkStoreConfig.defaults(dir.resolve("store"))),
        VolumeStoreConfig.defaults(dir.resolve("journal")));
  }

  /** Over a chunk store the test made (a faulty medium, for instance). */
  TestNamespace(Path dir, ChunkStore chunks, VolumeStoreConfig config) throws IOException {
    this.dir = dir;
    this.chunks = chunks;
    volumes = VolumeStores.open(chunks, config);
  }

  @Override
  public List<String> pools() {
    return List.of(POOL);
  }

  @Override
  public VolumeStore store(String pool) throws IOException {
    if (!POOL.equals(pool)) {
      throw new NoSuchVolumeException("no pool " + pool);
    }
    return volumes;
  }

  @Override
  public VolumeSpec newVolume(String pool, long size) {
    return VolumeSpec.ofSize(size);
  }

  @Override
  public PoolSpace space(String pool) throws IOException {
    FileStore fs = Files.getFileStore(dir);
    return new PoolSpace(fs.getTotalSpace(), fs.getUsableSpace());
  }

  @Override
  public void close() throws IOException {
    volumes.close();
    chunks.close();
  }
}
