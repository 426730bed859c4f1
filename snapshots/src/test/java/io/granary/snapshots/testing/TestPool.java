package io.granary.snapshots.testing;

import io.granary.dedupe.api.ChunkStore;
import io.granary.dedupe.api.ChunkStoreConfig;
import io.granary.dedupe.api.ChunkStores;
import io.granary.snapshots.api.VolumeStore;
import io.granary.snapshots.api.VolumeStoreConfig;
import io.granary.snapshots.api.VolumeStores;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * A pool in a directory for tests: a chunk store in {@code DIR/store} and a volume store over it
 * with its journals in {@code DIR/journal}, opened through the two modules' APIs. Closable and
 * reopenable (a restart of the same pool). The one such fixture: the tests of the volume layer,
 * its benchmark and the front ends' fixtures build on it.
 */
public final class TestPool implements AutoCloseable {
  /**
   * Opens the pool's chunk store from the defaults for its directory: the real store, with other
   * settings, or on a faulty medium ({@code io.granary.dedupe.testing.FaultyMedium::open}).
   */
  @FunctionalInterface
  public interface ChunkStoreOpener {
    ChunkStore open(ChunkStoreConfig defaults) throws IOException;
  }

  private final Path dir;
  private final ChunkStoreOpener opener;
  private final UnaryOperator<VolumeStoreConfig> tune;
  private ChunkStore chunks;
  private VolumeStore volumes;

  /** Opens (creating when absent) the pool in {@code dir} with default settings. */
  public TestPool(Path dir) throws IOException {
    this(dir, UnaryOperator.identity());
  }

  /** The same, with the volume store's settings changed by {@code tune}. */
  public TestPool(Path dir, UnaryOperator<VolumeStoreConfig> tune) throws IOException {
    this(dir, ChunkStores::open, tune);
  }

  /**
   * The same, with the chunk store opened by {@code chunks} (again at each {@link #reopen}); the
   * pool closes it.
   */
  public TestPool(Path dir, ChunkStoreOpener chunks, UnaryOperator<VolumeStoreConfig> tune)
      throws IOException {
    this.dir = dir;
    this.opener = chunks;
    this.tune = tune;
    open();
  }

  private void open() throws IOException {
    chunks = opener.open(ChunkStoreConfig.defaults(chunkStoreDir()));
    try {
      volumes =
          VolumeStores.open(chunks, tune.apply(VolumeStoreConfig.defaults(dir.resolve("journal"))));
    } catch (IOException | RuntimeException e) {
      chunks.close();
      chunks = null;
      throw e;
    }
  }

  /** The pool's directory. */
  public Path dir() {
    return dir;
  }

  /** The chunk store's directory, where its packs lie (open or closed). */
  public Path chunkStoreDir() {
    return dir.resolve("store");
  }

  public ChunkStore chunks() {
    if (chunks == null) {
      throw new IllegalStateException("the pool in " + dir + " is closed");
    }
    return chunks;
  }

  public VolumeStore volumes() {
    if (volumes == null) {
      throw new IllegalStateException("the pool in " + dir + " is closed");
    }
    return volumes;
  }

  /** Closes both stores and opens them again, as a restart after a clean stop does. */
  public void reopen() throws IOException {
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
