package io.granary.fuse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.granary.fuse.api.FuseMount;
import io.granary.fuse.api.FuseMounts;
import io.granary.fuse.api.FuseNamespace;
import io.granary.fuse.api.MountConfig;
import io.granary.fuse.api.PoolSpace;
import io.granary.snapshots.api.Volume;
import io.granary.snapshots.api.VolumeSpec;
import io.granary.snapshots.api.VolumeStore;
import io.granary.testing.ExternalTool;
import io.granary.testing.Requirements;
import io.granary.testing.TestData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A volume whose reads hang must not stall reads of the other volumes through the mount. */
class SlowVolumeIT {
  private static final long STALL_MS = 4000;
  private static final int SIZE = 128 << 10;

  @TempDir Path dir;

  @Test
  void aStalledVolumeDoesNotStallTheOthers() throws Exception {
    Requirements.require(Files.exists(Path.of("/dev/fuse")), "/dev/fuse");
    ExternalTool.require("fusermount");
    try (TestNamespace real = new TestNamespace(dir.resolve("pool"))) {
      // 128 KiB: one FUSE read request, so the stalled read takes one stall.
      for (String name : List.of("slow", "fast")) {
        real.volumes().create(name, VolumeSpec.ofSize(SIZE));
        try (Volume v = real.volumes().open(name)) {
          v.write(0, TestData.random(name.hashCode(), SIZE), 0, SIZE, false);
        }
      }
      FuseNamespace slowed =
          new FuseNamespace() {
            @Override
            public List<String> pools() {
              return real.pools();
            }

            @Override
            public VolumeStore store(String pool) throws IOException {
              return stallingReadsOf("slow", real.store(pool));
            }

            @Override
            public VolumeSpec newVolume(String pool, long size) {
              return real.newVolume(pool, size);
            }

            @Override
            public PoolSpace space(String pool) throws IOException {
              return real.space(pool);
            }
          };
      try (FuseMount mount = FuseMounts.mount(new MountConfig(dir.resolve("mnt"), false), slowed)) {
        Path pool = mount.mountPoint().resolve(TestNamespace.POOL);
        CompletableFuture<byte[]> stalled =
            CompletableFuture.supplyAsync(
                () -> {
                  try {
                    return Files.readAllBytes(pool.resolve("slow"));
                  } catch (IOException e) {
                    throw new UncheckedIOException(e);
                  }
                });
        Thread.sleep(300); // the slow read is now inside the file system
        long t0 = System.nanoTime();
        byte[] fast = Files.readAllBytes(pool.resolve("fast"));
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertArrayEquals(TestData.random("fast".hashCode(), SIZE), fast);
        assertTrue(
            ms < STALL_MS / 2, "reading another volume waited " + ms + " ms for the stalled one");
        assertArrayEquals(
            TestData.random("slow".hashCode(), SIZE), stalled.get(60, TimeUnit.SECONDS));
      }
    }
  }

  /** The store, with every read of volume {@code name} held for {@link #STALL_MS}. */
  private static VolumeStore stallingReadsOf(String name, VolumeStore store) {
    return (VolumeStore)
        Proxy.newProxyInstance(
            VolumeStore.class.getClassLoader(),
            new Class<?>[] {VolumeStore.class},
            (proxy, m, args) -> {
              Object r = invoke(m, store, args);
              if (m.getName().equals("open") && name.equals(args[0])) {
                Volume v = (Volume) r;
                return Proxy.newProxyInstance(
                    Volume.class.getClassLoader(),
                    new Class<?>[] {Volume.class},
                    (p2, m2, a2) -> {
                      if (m2.getName().equals("read")) {
                        Thread.sleep(STALL_MS);
                      }
                      return invoke(m2, v, a2);
                    });
              }
              return r;
            });
  }

  private static Object invoke(Method m, Object target, Object[] args) throws Throwable {
    try {
      return m.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
