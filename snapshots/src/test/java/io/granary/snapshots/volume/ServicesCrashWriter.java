package io.granary.snapshots.volume;

import io.granary.snapshots.api.Volume;
import io.granary.snapshots.api.VolumeSpec;
import io.granary.snapshots.testing.TestPool;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;

/**
 * The victim of {@link VolumeServicesTest}'s crash test: a dedupe-off volume with 2 MiB
 * flushed into its tree and the same 2 MiB again at 2 MiB, acknowledged by FUA but left in the
 * journal (no flush is due for an hour); prints {@code READY} and waits to be killed.
 */
public final class ServicesCrashWriter {
  static final int SIZE = 4 << 20;
  static final int BLOCK = 16 << 10;

  private ServicesCrashWriter() {}

  static byte[] data() {
    byte[] x = new byte[SIZE / 2];
    new Random(11).nextBytes(x);
    return x;
  }

  public static void main(String[] args) throws Exception {
    TestPool pool = new TestPool(Path.of(args[0]), c -> c.withFlushInterval(Duration.ofHours(1)));
    pool.volumes().create("off", new VolumeSpec(SIZE, BLOCK, "lz4", "default", false));
    byte[] x = data();
    Volume v = pool.volumes().open("off");
    v.write(0, x, 0, x.length, false);
    pool.volumes().flushAll();
    v.write(x.length, x, 0, x.length, true);
    System.out.println("READY");
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
