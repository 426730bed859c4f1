package io.granary.fuse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.granary.dedupe.api.ChunkId;
import io.granary.dedupe.api.ChunkStore;
import io.granary.dedupe.api.ChunkStoreConfig;
import io.granary.dedupe.pack.RecordHeader;
import io.granary.dedupe.store.LocalChunkStore;
import io.granary.dedupe.testing.ExternalTool;
import io.granary.dedupe.testing.FaultyPackStorage;
import io.granary.dedupe.testing.Packs;
import io.granary.dedupe.testing.Requirements;
import io.granary.dedupe.testing.TestData;
import io.granary.fuse.api.FuseMount;
import io.granary.fuse.api.FuseMounts;
import io.granary.fuse.api.MountConfig;
import io.granary.snapshots.api.Volume;
import io.granary.snapshots.api.VolumeSpec;
import io.granary.snapshots.api.VolumeStoreConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A full pool is ENOSPC and a damaged chunk EIO through the mount; the rest stays readable. */
class StorageFailureIT {
  private static final int MIB = 1 << 20;
  private static final int BLOCK = 16 << 10;

  @TempDir Path dir;

  @Test
  void aFullPoolIsEnospc() throws Exception {
    Requirements.require(Files.exists(Path.of("/dev/fuse")), "/dev/fuse");
    ExternalTool.require("fusermount", "dd");
    FaultyPackStorage[] medium = new FaultyPackStorage[1];
    ChunkStore chunks = LocalChunkStore.open(ChunkStoreConfig.defaults(dir.resolve("pool/store")),
        s -> medium[0] = new FaultyPackStorage(s), false);
    // A small dirty budget: once the medium is full, buffered writes cannot drain.
    VolumeStoreConfig config = VolumeStoreConfig.defaults(dir.resolve("pool/journal"))
        .withDirtyLimit(2 * MIB, 256 << 10);
    try (TestNamespace ns = new TestNamespace(dir.resolve("pool"), chunks, config);
        FuseMount mount = FuseMounts.mount(new MountConfig(dir.resolve("mnt"), false), ns)) {
      ns.volumes.create("vm", VolumeSpec.ofSize(64 * MIB));
      Path file = mount.mountPoint().resolve("test/vm");
      medium[0].fillAfter(0);
      try {
        var r = ExternalTool.run(120, "dd", "if=/dev/urandom", "of=" + file, "bs=1M", "count=32",
            "conv=notrunc,fsync", "status=none");
        assertTrue(r.exit() != 0 && r.stderr().contains("No space left on device"), r.stderr());
      } finally {
        medium[0].freeSpace();
      }
    }
  }

  @Test
  void aDamagedChunkIsEioAndTheRestStaysReadable() throws Exception {
    Requirements.require(Files.exists(Path.of("/dev/fuse")), "/dev/fuse");
    ExternalTool.require("fusermount", "dd");
    byte[] damaged = TestData.random(1, BLOCK);
    byte[] intact = TestData.random(2, BLOCK);
    try (TestNamespace ns = new TestNamespace(dir.resolve("pool"))) {
      ns.volumes.create("vm", VolumeSpec.ofSize(MIB));
      try (Volume v = ns.volumes.open("vm")) {
        v.write(0, damaged, 0, BLOCK, false);
        v.write(BLOCK, intact, 0, BLOCK, false);
      }
      ns.volumes.flushAll();
    }
    ChunkId id = ChunkId.of(MessageDigest.getInstance("SHA-256").digest(damaged));
    Packs.Found hit = Packs.records(dir.resolve("pool/store")).stream()
        .filter(f -> f.record().header().id().equals(id)).findFirst()
        .orElseThrow(() -> new AssertionError("the block's chunk is not in any pack"));
    Packs.flipByte(hit.file(), hit.record().offset() + RecordHeader.SIZE + 100);

    try (TestNamespace ns = new TestNamespace(dir.resolve("pool"));
        FuseMount mount = FuseMounts.mount(new MountConfig(dir.resolve("mnt"), false), ns)) {
      Path file = mount.mountPoint().resolve("test/vm");
      var r = ExternalTool.run(60, "dd", "if=" + file, "of=/dev/null", "bs=4k", "count=1", "status=none");
      assertTrue(r.exit() != 0 && r.stderr().contains("Input/output error"), r.stderr());
      Path out = dir.resolve("block1");
      ExternalTool.run(60, "dd", "if=" + file, "of=" + out, "bs=16k", "skip=1", "count=1", "status=none").ok();
      assertArrayEquals(intact, Files.readAllBytes(out));
    }
  }
}
