package io.granary.snapshots.volume;

import io.granary.snapshots.api.Volume;
import io.granary.snapshots.api.VolumeSpec;
import io.granary.snapshots.testing.TestPool;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The victim of {@link VolumeCrashTest}: runs round {@code r}'s operations forever on volume
 * {@code v}, flushes every few operations and prints {@code FLUSHED n} once ops 0..n are
 * durable. Small dirty limits keep the background flusher busy, so kills land in flushes too.
 */
public final class CrashWriter {
  private CrashWriter() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int round = Integer.parseInt(args[1]);
    TestPool pool =
        new TestPool(
            dir,
            c -> c.withDirtyLimit(1 << 20, 256 << 10).withFlushInterval(Duration.ofMillis(20)));
    if (pool.volumes().list().isEmpty()) {
      pool.volumes().create("v", new VolumeSpec(CrashOps.SIZE, 16 << 10, "lz4", "default"));
    }
    Volume v = pool.volumes().open("v");
    for (int n = 0; ; n++) {
      CrashOps.Op op = CrashOps.op(round, n);
      long offset = op.firstSector() * CrashOps.SECTOR;
      if (op.trim()) {
        v.trim(offset, (long) op.sectors() * CrashOps.SECTOR, false);
      } else {
        byte[] p = CrashOps.payload(round, n, op);
        v.write(offset, p, 0, p.length, false);
      }
      if (n % 17 == 16) {
        v.flush();
        System.out.println("FLUSHED " + n);
        System.out.flush();
      }
    }
  }
}
