package io.granary.snapshots.volume;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.granary.snapshots.api.Volume;
import io.granary.snapshots.api.VolumeInfo;
import io.granary.snapshots.api.VolumeSpec;
import io.granary.snapshots.testing.TestPool;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Thousands of random operations (writes, trims, zeroes, resizes, snapshots, clones, rollbacks,
 * renames, deletes, flushes, collections, close and reopen, codec and dedupe switched on live
 * volumes) against plain byte arrays,
 * comparing every byte of every volume and snapshot after each step. Seeded: a failure names
 * its seed and step, and {@code -Dgranary.model.seed=N -Dgranary.model.steps=M} replays it.
 */
class VolumeModelTest {
  @TempDir Path dir;

  private final Map<String, byte[]> volumes = new LinkedHashMap<>();
  private final Map<String, Integer> blockSizes = new HashMap<>();
  private final Map<String, Map<String, byte[]>> snapshots = new HashMap<>();
  private final Map<String, Volume> handles = new HashMap<>();
  private final List<String> log = new ArrayList<>();
  private TestPool pool;
  private Random r;
  private int names;

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void behavesLikeByteArrays(long defaultSeed) throws Exception {
    long seed = Long.getLong("granary.model.seed", defaultSeed);
    int steps = Integer.getInteger("granary.model.steps", 1200);
    r = new Random(seed);
    // A small dirty budget and a short interval: background flushes race the operations.
    pool =
        new TestPool(
            dir,
            c ->
                c.withDirtyLimit(2 << 20, 256 << 10)
                    .withFlushInterval(Duration.ofMillis(50))
                    .withCaches(1 << 20, 1 << 20));
    try {
      for (int step = 0; step < steps; step++) {
        try {
          step();
          verifyAll();
        } catch (Throwable t) {
          int from = Math.max(0, log.size() - 15);
          throw new AssertionError(
              "seed "
                  + seed
                  + ", step "
                  + step
                  + " failed; last operations:\n  "
                  + String.join("\n  ", log.subList(from, log.size())),
              t);
        }
      }
    } finally {
      closeHandles();
      pool.close();
    }
  }

  private void step() throws Exception {
    if (volumes.isEmpty()) {
      create();
      return;
    }
    int op = r.nextInt(100);
    String v = pick(volumes.keySet());
    if (op < 35) {
      write(v);
    } else if (op < 45) {
      zero(v);
    } else if (op < 49) {
      resize(v);
    } else if (op < 54) {
      snapshot(v);
    } else if (op < 58) {
      cloneOf(v);
    } else if (op < 62) {
      rollback(v);
    } else if (op < 65) {
      rename(v);
    } else if (op < 68) {
      deleteVolume(v);
    } else if (op < 71) {
      deleteSnapshot(v);
    } else if (op < 76) {
      create();
    } else if (op < 82) {
      do_("flush " + v, () -> handle(v).flush());
    } else if (op < 88) {
      do_("flushAll", () -> pool.volumes().flushAll());
    } else if (op < 92) {
      do_("gc", () -> pool.volumes().collectGarbage());
    } else if (op < 95) {
      do_(
          "reopen",
          () -> {
            closeHandles();
            pool.reopen();
          });
    } else if (op < 97) {
      services(v);
    } else {
      readRandom(v);
    }
  }

  private String codec() {
    return new String[] {"lz4", "zstd:3", "none"}[r.nextInt(3)];
  }

  /** Switches codec and dedupe, open or not: only later flushes change, never the bytes. */
  private void services(String v) throws Exception {
    String codec = codec();
    boolean dedupe = r.nextBoolean();
    do_(
        "services " + v + " " + codec + " dedupe " + dedupe,
        () -> pool.volumes().setServices(v, codec, dedupe, "default"));
  }

  private interface Action {
    void run() throws Exception;
  }

  private void do_(String what, Action a) throws Exception {
    log.add(what);
    a.run();
  }

  private <T> T pick(Collection<T> items) {
    List<T> l = new ArrayList<>(items);
    return l.get(r.nextInt(l.size()));
  }

  private Volume handle(String name) throws Exception {
    Volume h = handles.get(name);
    if (h == null) {
      h = pool.volumes().open(name);
      handles.put(name, h);
    }
    return h;
  }

  private void closeHandles() throws Exception {
    for (Volume h : handles.values()) {
      h.close();
    }
    handles.clear();
  }

  private void create() throws Exception {
    String name = "v" + (++names);
    int bs = new int[] {4096, 8192, 65536}[r.nextInt(3)];
    long size = r.nextInt(8) == 0 ? (512L * 4096 + 1 + r.nextInt(200_000)) : r.nextInt(300_000);
    if (bs != 4096) {
      size = Math.min(size, 600_000);
    }
    long finalSize = size;
    String codec = codec();
    boolean dedupe = r.nextBoolean();
    do_(
        "create " + name + " size " + size + " bs " + bs + " " + codec + " dedupe " + dedupe,
        () -> pool.volumes().create(name, new VolumeSpec(finalSize, bs, codec, "default", dedupe)));
    volumes.put(name, new byte[(int) size]);
    blockSizes.put(name, bs);
    snapshots.put(name, new LinkedHashMap<>());
  }

  private long[] range(byte[] content) {
    int size = content.length;
    if (size == 0) {
      return new long[] {0, 0};
    }
    int bs = 4096;
    long off =
        r.nextBoolean()
            ? r.nextInt(size)
            : Math.min(size - 1, (long) r.nextInt(size / bs + 1) * bs + (r.nextInt(3) - 1));
    off = Math.max(0, off);
    long max = size - off;
    long len =
        r.nextInt(4) == 0
            ? r.nextInt((int) Math.min(max, 200_000) + 1)
            : r.nextInt((int) Math.min(max, 9000) + 1);
    return new long[] {off, len};
  }

  private void write(String v) throws Exception {
    byte[] m = volumes.get(v);
    long[] rg = range(m);
    byte[] d = new byte[(int) rg[1]];
    switch (r.nextInt(4)) {
      case 0 -> {} // zeroes written as data
      case 1 -> Arrays.fill(d, (byte) r.nextInt(256));
      default -> r.nextBytes(d);
    }
    boolean fua = r.nextInt(5) == 0;
    do_(
        "write " + v + " " + rg[0] + "+" + rg[1] + (fua ? " fua" : ""),
        () -> handle(v).write(rg[0], d, 0, d.length, fua));
    System.arraycopy(d, 0, m, (int) rg[0], d.length);
  }

  private void zero(String v) throws Exception {
    byte[] m = volumes.get(v);
    long[] rg = r.nextInt(6) == 0 ? new long[] {0, m.length} : range(m);
    boolean trim = r.nextBoolean();
    do_(
        (trim ? "trim " : "zero ") + v + " " + rg[0] + "+" + rg[1],
        () -> {
          if (trim) {
            handle(v).trim(rg[0], rg[1], false);
          } else {
            handle(v).writeZeroes(rg[0], rg[1], false);
          }
        });
    Arrays.fill(m, (int) rg[0], (int) (rg[0] + rg[1]), (byte) 0);
  }

  private void resize(String v) throws Exception {
    byte[] m = volumes.get(v);
    int newSize =
        r.nextInt(3) == 0
            ? Math.max(0, m.length - r.nextInt(70_000))
            : m.length + r.nextInt(r.nextInt(10) == 0 ? 2_200_000 : 70_000);
    do_("resize " + v + " " + m.length + " -> " + newSize, () -> handle(v).resize(newSize));
    volumes.put(v, Arrays.copyOf(m, newSize));
  }

  private void snapshot(String v) throws Exception {
    String s = "s" + (++names);
    do_("snapshot " + v + "@" + s, () -> pool.volumes().snapshot(v, s));
    snapshots.get(v).put(s, volumes.get(v).clone());
  }

  private void cloneOf(String v) throws Exception {
    if (snapshots.get(v).isEmpty()) {
      return;
    }
    String s = pick(snapshots.get(v).keySet());
    String c = "c" + (++names);
    do_("clone " + v + "@" + s + " -> " + c, () -> pool.volumes().clone(v, s, c));
    volumes.put(c, snapshots.get(v).get(s).clone());
    blockSizes.put(c, blockSizes.get(v));
    snapshots.put(c, new LinkedHashMap<>());
  }

  private void rollback(String v) throws Exception {
    if (snapshots.get(v).isEmpty()) {
      return;
    }
    String s = pick(snapshots.get(v).keySet());
    do_("rollback " + v + "@" + s, () -> pool.volumes().rollback(v, s));
    volumes.put(v, snapshots.get(v).get(s).clone());
  }

  private void rename(String v) throws Exception {
    String n = "r" + (++names);
    do_("rename " + v + " -> " + n, () -> pool.volumes().rename(v, n));
    volumes.put(n, volumes.remove(v));
    blockSizes.put(n, blockSizes.remove(v));
    snapshots.put(n, snapshots.remove(v));
    Volume h = handles.remove(v);
    if (h != null) {
      handles.put(n, h);
    }
  }

  private void deleteVolume(String v) throws Exception {
    do_(
        "delete " + v,
        () -> {
          Volume h = handles.remove(v);
          if (h != null) {
            h.close();
          }
          pool.volumes().delete(v, true);
        });
    volumes.remove(v);
    snapshots.remove(v);
  }

  private void deleteSnapshot(String v) throws Exception {
    if (snapshots.get(v).isEmpty()) {
      return;
    }
    String s = pick(snapshots.get(v).keySet());
    do_("delete snapshot " + v + "@" + s, () -> pool.volumes().deleteSnapshot(v, s));
    snapshots.get(v).remove(s);
  }

  private void readRandom(String v) throws Exception {
    byte[] m = volumes.get(v);
    long[] rg = range(m);
    byte[] got = new byte[(int) rg[1]];
    do_("read " + v + " " + rg[0] + "+" + rg[1], () -> handle(v).read(rg[0], got, 0, got.length));
    assertEquals(
        -1, Arrays.mismatch(got, Arrays.copyOfRange(m, (int) rg[0], (int) (rg[0] + rg[1]))));
  }

  private void verifyAll() throws Exception {
    Map<String, VolumeInfo> infos = new TreeMap<>();
    for (VolumeInfo i : pool.volumes().list()) {
      infos.put(i.name(), i);
    }
    assertEquals(new TreeMap<>(volumes).keySet(), infos.keySet(), "the volumes listed");
    for (Map.Entry<String, byte[]> e : volumes.entrySet()) {
      Volume h = handle(e.getKey());
      assertEquals(e.getValue().length, h.size(), "size of " + e.getKey());
      VolumeBasicsTest.assertContent(h, e.getValue());
      for (Map.Entry<String, byte[]> s : snapshots.get(e.getKey()).entrySet()) {
        try (Volume sv = pool.volumes().openSnapshot(e.getKey(), s.getKey())) {
          VolumeBasicsTest.assertContent(sv, s.getValue());
        }
      }
    }
  }
}
