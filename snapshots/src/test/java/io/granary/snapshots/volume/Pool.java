package io.granary.snapshots.volume;

import io.granary.dedupe.api.ChunkStore;
import io.granary.dedupe.api.ChunkStoreConfig;
import io.granary.dedupe.api.ChunkStores;
import io.granary.snapshots.api.VolumeStore;
import io.granary.snapshots.api.VolumeStoreConfig;
import io.granary.snapshots.api.VolumeStores;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/** A pool in a directory for tests: chunk store plus volume store, closable and reopenable. */
final class Pool implements AutoCloseable {
  final Path dir;
  private final UnaryOperator<VolumeStoreConfig> tune;
  ChunkStore chunks;
  VolumeStore volumes;

  Pool(Path dir) throws IOException {
    this(dir, c -> c);
  }

  Pool(Path dir, UnaryOperator<VolumeStoreConfig> tune) throws IOException {
    this.dir = dir;
    this.tune = tune;
    open();
  }

  private void open() throws IOException {
    chunks = ChunkStores.open(ChunkStoreConfig.defaults(dir.resolve("store")));
    volumes = VolumeStores.open(chunks,
        tune.apply(VolumeStoreConfig.defaults(dir.resolve("journal"))));
  }

  void reopen() throws IOException {
    close();
    open();
  }

  @Override
  public void close() throws IOException {
    try {
      if (volumes != null) {
        volumes.close();
      }
    } finally {
      volumes = null;
      if (chunks != null) {
        chunks.close();
      }
      chunks = null;
    }
  }
}
