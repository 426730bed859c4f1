package io.granary.fuse;

import io.granary.fuse.api.FuseNamespace;
import io.granary.fuse.api.PoolSpace;
import io.granary.snapshots.api.NoSuchVolumeException;
import io.granary.snapshots.api.VolumeSpec;
import io.granary.snapshots.api.VolumeStore;
import io.granary.snapshots.testing.TestPool;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** One pool named {@code test} (a {@link TestPool}), as the appliance would expose it. */
final class TestNamespace implements FuseNamespace, AutoCloseable {
  static final String POOL = "test";
  private final TestPool pool;

  /** The pool in {@code dir} with default settings. */
  TestNamespace(Path dir) throws IOException {
    this(new TestPool(dir));
  }

  /** Over {@code pool} (tuned, or on a faulty medium, for instance); closes it when closed. */
  TestNamespace(TestPool pool) {
    this.pool = pool;
  }

  TestPool pool() {
    return pool;
  }

  VolumeStore volumes() {
    return pool.volumes();
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
    return volumes();
  }

  @Override
  public VolumeSpec newVolume(String pool, long size) {
    return VolumeSpec.ofSize(size);
  }

  @Override
  public PoolSpace space(String pool) throws IOException {
    FileStore fs = Files.getFileStore(this.pool.dir());
    return new PoolSpace(fs.getTotalSpace(), fs.getUsableSpace());
  }

  @Override
  public void close() throws IOException {
    pool.close();
  }
}
