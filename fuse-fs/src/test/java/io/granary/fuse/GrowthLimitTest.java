package io.granary.fuse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.granary.fuse.fs.Errno;
import io.granary.fuse.fs.Errnos;
import io.granary.fuse.fs.VolumeFileSystem;
import io.granary.snapshots.api.SpaceLimits;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file written past its end grows its volume ahead in steps; near the pool's provisioning
 * limit it grows by what the write needs, and a write that does not fit at all is ENOSPC.
 * The file system without a mount: the same calls the FUSE binding makes.
 */
class GrowthLimitTest {
  private static final int MIB = 1 << 20;

  @TempDir Path dir;

  @Test
  void growthFallsBackToTheWritesEndThenFailsWithEnospc() throws Exception {
    try (TestNamespace ns = new TestNamespace(dir)) {
      VolumeFileSystem fs = new VolumeFileSystem(ns);
      ns.volumes().setLimits(new SpaceLimits(Long.MAX_VALUE, 10L * MIB));
      long fh = fs.create("/test/f");
      byte[] model = new byte[9 * MIB];
      new Random(1).nextBytes(model);

      fs.write(fh, 0, model, MIB); // a 64 MiB step does not fit: exactly 1 MiB
      assertEquals(MIB, ns.volumes().info("f").size());
      fs.write(fh, MIB, Arrays.copyOfRange(model, MIB, model.length), 8 * MIB);
      assertEquals(9L * MIB, ns.volumes().info("f").size());

      IOException e =
          assertThrows(IOException.class, () -> fs.write(fh, 9L * MIB, new byte[2 * MIB], 2 * MIB));
      assertEquals(Errno.ENOSPC, Errnos.of(e));
      assertEquals(9L * MIB, fs.attributes("/test/f").size(), "the file did not grow");

      byte[] back = new byte[model.length];
      assertEquals(model.length, fs.read(fh, 0, back, back.length));
      assertArrayEquals(model, back);
      fs.flush(fh);
      fs.release(fh);
      assertEquals(9L * MIB, ns.volumes().info("f").size());

      ns.volumes().setLimits(SpaceLimits.UNLIMITED); // room again: steps ahead as before
      long again = fs.open("/test/f", true);
      fs.write(again, 9L * MIB, new byte[] {1}, 1);
      assertEquals(9L * MIB + 64L * MIB, ns.volumes().info("f").size());
      assertEquals(9L * MIB + 1, fs.attributes("/test/f").size());
      fs.release(again);
      assertEquals(9L * MIB + 1, ns.volumes().info("f").size());
    }
  }
}
