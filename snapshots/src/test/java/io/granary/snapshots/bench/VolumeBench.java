package io.granary.snapshots.bench;

import io.granary.dedupe.api.Directories;
import io.granary.snapshots.api.Volume;
import io.granary.snapshots.api.VolumeSpec;
import io.granary.snapshots.api.VolumeStore;
import io.granary.snapshots.api.VolumeStoreConfig;
import io.granary.snapshots.testing.TestPool;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code make bench} for volumes, straight on the API: snapshot time against written size,
 * random 4 KiB and sequential 1 MiB I/O next to a raw file on the same disk (FileChannel), read
 * latency with 0 and 1,000 snapshots, heap per idle volume, and the block size sweep behind the
 * default. Prints Markdown.
 */
public final class VolumeBench {
  private static final int MIB = 1 << 20;

  private final Path dir;
  private final int reps;
  private final long smallGib;
  private final long largeGib;
  private final StringBuilder out = new StringBuilder();
  private final List<String> aims = new ArrayList<>();

  private VolumeBench(Path dir, int reps, long smallGib, long largeGib) {
    this.dir = dir;
    this.reps = reps;
    this.smallGib = smallGib;
    this.largeGib = largeGib;
  }

  public static void main(String[] args) throws Exception {
    Path dir = Path.of("target/bench");
    int reps = 5;
    long small = 1;
    long large = 16;
    Path report = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--dir" -> dir = Path.of(args[++i]);
        case "--reps" -> reps = Integer.parseInt(args[++i]);
        case "--snapshot-gib" -> {
          small = Long.parseLong(args[++i]);
          large = Long.parseLong(args[++i]);
        }
        case "--report" -> report = Path.of(args[++i]);
        default -> {} // options of the other benchmarks
      }
    }
    Logger.getLogger("").setLevel(Level.WARNING);
    Files.createDirectories(dir);
    VolumeBench b = new VolumeBench(dir, reps, small, large);
    b.run();
    System.out.print(b.out);
    if (report != null) {
      Files.writeString(report, b.out.toString());
    }
  }

  /** A pool for one measurement in a directory of its own, deleted afterwards. */
  private final class Pool implements AutoCloseable {
    private final TestPool pool;

    Pool(String name) throws IOException {
      this(name, UnaryOperator.identity());
    }

    Pool(String name, UnaryOperator<VolumeStoreConfig> tune) throws IOException {
      Directories.deleteTree(dir.resolve(name));
      pool = new TestPool(dir.resolve(name), tune);
    }

    VolumeStore volumes() {
      return pool.volumes();
    }

    @Override
    public void close() throws IOException {
      pool.close();
      Directories.deleteTree(pool.dir());
    }
  }

  private void run() throws Exception {
    out.append("## Volumes (`snapshots/`)\n\n");
    out.append(
        String.format(
            Locale.ROOT,
            "Straight on the volume API, in this JVM; median of %d "
                + "runs; the raw file is a preallocated file on the same disk written and read with "
                + "FileChannel (page cache; fdatasync only where a row says durable). Default volume settings: 16 KiB blocks, lz4.%n%n",
            reps));
    io();
    snapshotTime();
    snapshotLatency();
    idleVolumes();
    blockSizes();
    out.append("\n### Aims\n\n");
    for (String a : aims) {
      out.append("- ").append(a).append('\n');
    }
  }

  // ---- random and sequential I/O next to a raw file

  private void io() throws Exception {
    long size = 1L << 30;
    out.append(
        "Write rows are timed twice from their first write: when the last write returned "
            + "(acknowledged) and once the data is durable (Granary: the volume's flush, then "
            + "the store's flush of every dirty block into the tree and its commit; the raw "
            + "file: fdatasync), so that the work a write leaves behind is in the figure.\n\n");
    out.append("| workload | Granary | raw file | Granary / raw |\n|---|---:|---:|---:|\n");
    Path raw = dir.resolve("raw.img");
    try (Pool pool = new Pool("pool-io");
        FileChannel file =
            FileChannel.open(
                raw,
                StandardOpenOption.CREATE,
                StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
      file.truncate(0);
      pool.volumes()
          .create("v", new VolumeSpec(size, VolumeSpec.DEFAULT_BLOCK_SIZE, "lz4", "default"));
      try (Volume v = pool.volumes().open("v")) {
        Volume rawVolume = asVolume(file, size);
        Durability tree = durableInTree(v, pool.volumes());
        WriteRate seqW = medianRate(() -> seqWrite(v, size, tree));
        WriteRate seqWRaw = medianRate(() -> seqWrite(rawVolume, size, rawVolume::flush));
        row("sequential write, 1 MiB requests, MB/s, acknowledged", seqW.acked, seqWRaw.acked);
        row("sequential write, 1 MiB requests, MB/s, durable", seqW.durable, seqWRaw.durable);
        double seqR = median(() -> seqRead(v, size));
        double seqRRaw = median(() -> seqRead(rawVolume, size));
        row("sequential read, 1 MiB requests, MB/s", seqR, seqRRaw);
        WriteRate rw = medianRate(() -> randomWrite(v, size, 20_000, tree));
        WriteRate rwRaw = medianRate(() -> randomWrite(rawVolume, size, 20_000, rawVolume::flush));
        row("random 4 KiB writes, ops/s, 1 thread, acknowledged", rw.acked, rwRaw.acked);
        row("random 4 KiB writes, ops/s, 1 thread, durable", rw.durable, rwRaw.durable);
        double rr = median(() -> random(v, size, false, 50_000));
        double rrRaw = median(() -> random(rawVolume, size, false, 50_000));
        row("random 4 KiB reads, ops/s, 1 thread", rr, rrRaw);
      }
    } finally {
      Files.deleteIfExists(raw);
    }
    out.append('\n');
  }

  /** What makes a run's writes durable; inside its timed window. */
  @FunctionalInterface
  private interface Durability {
    void make() throws IOException;
  }

  /**
   * Durable in the tree: the volume's flush (the journal's fsync, as an NBD FLUSH), then every
   * dirty block turned into chunks and the new root committed, which the background flusher
   * would otherwise do after the window.
   */
  private static Durability durableInTree(Volume v, VolumeStore store) {
    return () -> {
      v.flush();
      store.flushAll();
    };
  }

  /** A write run's rate when its last write returned and once its data was durable. */
  private record WriteRate(double acked, double durable) {}

  /** Units (bytes or operations) over the time to the last acknowledgement and to durability. */
  private static WriteRate rate(double units, long t0, Durability durable) throws IOException {
    long acked = System.nanoTime();
    durable.make();
    long done = System.nanoTime();
    return new WriteRate(units / ((acked - t0) / 1e9), units / ((done - t0) / 1e9));
  }

  /** MB/s written sequentially in 1 MiB requests. */
  private static WriteRate seqWrite(Volume v, long size, Durability durable) throws IOException {
    byte[] buf = new byte[MIB];
    SplittableRandom r = new SplittableRandom(1);
    long t0 = System.nanoTime();
    for (long off = 0; off < size; off += MIB) {
      fill(r, buf);
      v.write(off, buf, 0, MIB, false);
    }
    return rate(size / 1e6, t0, durable);
  }

  /** Random 4 KiB writes per second. */
  private static WriteRate randomWrite(Volume v, long size, int ops, Durability durable)
      throws IOException {
    long t0 = System.nanoTime();
    random(v, size, true, ops);
    return rate(ops, t0, durable);
  }

  private static double seqRead(Volume v, long size) throws IOException {
    byte[] buf = new byte[MIB];
    long t0 = System.nanoTime();
    for (long off = 0; off < size; off += MIB) {
      v.read(off, buf, 0, MIB);
    }
    return size / ((System.nanoTime() - t0) / 1e9) / 1e6;
  }

  private static double random(Volume v, long size, boolean write, int ops) throws IOException {
    byte[] buf = new byte[4096];
    SplittableRandom r = new SplittableRandom(7);
    long blocks = size / 4096;
    long t0 = System.nanoTime();
    for (int i = 0; i < ops; i++) {
      long off = r.nextLong(blocks) * 4096;
      if (write) {
        buf[0] = (byte) i;
        buf[100] = (byte) (i >> 8);
        v.write(off, buf, 0, buf.length, false);
      } else {
        v.read(off, buf, 0, buf.length);
      }
    }
    return ops / ((System.nanoTime() - t0) / 1e9);
  }

  private static void fill(SplittableRandom r, byte[] buf) {
    ByteBuffer b = ByteBuffer.wrap(buf);
    while (b.remaining() >= 8) {
      b.putLong(r.nextLong());
    }
  }

  // ---- snapshots

  /** Snapshot time (a dirty block flushed and a root recorded) on a lightly and a heavily written volume. */
  private void snapshotTime() throws Exception {
    double small = snapshotMillis(smallGib);
    double large = snapshotMillis(largeGib);
    out.append("| snapshot of a volume with | median time |\n|---|---:|\n");
    out.append(
        String.format(
            Locale.ROOT,
            "| %d GiB written | %.2f ms |%n| %d GiB written | %.2f ms |%n" + "| ratio | %.2f |%n%n",
            smallGib,
            small,
            largeGib,
            large,
            large / small));
    aim(
        "snapshot time independent of the data written (ratio near 1)",
        large / small < 1.5,
        String.format(Locale.ROOT, "%d GiB / %d GiB: %.2f", largeGib, smallGib, large / small));
  }

  private double snapshotMillis(long gib) throws Exception {
    try (Pool pool = new Pool("pool-snap-" + gib)) {
      long size = gib << 30;
      pool.volumes()
          .create("v", new VolumeSpec(size, VolumeSpec.DEFAULT_BLOCK_SIZE, "lz4", "default"));
      try (Volume v = pool.volumes().open("v")) {
        // Every block written and distinct (a counter in a zero block): a full tree that
        // compresses to almost nothing, so the disk is not the limit.
        byte[] buf = new byte[MIB];
        for (long off = 0; off < size; off += MIB) {
          for (int b = 0; b < MIB; b += VolumeSpec.DEFAULT_BLOCK_SIZE) {
            ByteBuffer.wrap(buf, b, 8).putLong(off + b + 1);
          }
          v.write(off, buf, 0, MIB, false);
        }
        pool.volumes().flushAll();
        double[] ms = new double[Math.max(reps, 9)];
        for (int i = 0; i < ms.length; i++) {
          v.write((long) i * 4096, buf, 0, 4096, false);
          long t0 = System.nanoTime();
          pool.volumes().snapshot("v", "s" + i);
          ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(ms);
        return ms[ms.length / 2];
      }
    }
  }

  /** Random 4 KiB read latency of the head with 0 and with 1,000 snapshots of it. */
  private void snapshotLatency() throws Exception {
    try (Pool pool = new Pool("pool-lat")) {
      long size = 1L << 30;
      pool.volumes()
          .create("v", new VolumeSpec(size, VolumeSpec.DEFAULT_BLOCK_SIZE, "lz4", "default"));
      try (Volume v = pool.volumes().open("v")) {
        seqWrite(v, size, durableInTree(v, pool.volumes()));
        double[] before = latency(v, size);
        byte[] buf = new byte[4096];
        for (int i = 0; i < 1000; i++) {
          buf[0] = (byte) i;
          buf[1] = (byte) (i >> 8);
          v.write((long) (i % 200) * 5 * MIB, buf, 0, buf.length, false);
          pool.volumes().snapshot("v", "s" + i);
        }
        double[] after = latency(v, size);
        out.append("| random 4 KiB read latency of the head | p50 | p99 |\n|---|---:|---:|\n");
        out.append(
            String.format(
                Locale.ROOT,
                "| 0 snapshots | %.1f µs | %.1f µs |%n"
                    + "| 1,000 snapshots | %.1f µs | %.1f µs |%n| ratio | %.2f | %.2f |%n%n",
                before[0],
                before[1],
                after[0],
                after[1],
                after[0] / before[0],
                after[1] / before[1]));
        aim(
            "read latency with 1,000 snapshots at most 1.1 x with none (p50)",
            after[0] / before[0] <= 1.1,
            String.format(Locale.ROOT, "%.2f", after[0] / before[0]));
      }
    }
  }

  private double[] latency(Volume v, long size) throws IOException {
    byte[] buf = new byte[4096];
    SplittableRandom r = new SplittableRandom(3);
    for (int i = 0; i < 20_000; i++) { // warm the caches and the JIT
      v.read(r.nextLong(size / 4096) * 4096, buf, 0, 4096);
    }
    List<double[]> runs = new ArrayList<>();
    for (int rep = 0; rep < reps; rep++) {
      double[] lat = new double[20_000];
      for (int i = 0; i < lat.length; i++) {
        long off = r.nextLong(size / 4096) * 4096;
        long t0 = System.nanoTime();
        v.read(off, buf, 0, 4096);
        lat[i] = (System.nanoTime() - t0) / 1e3;
      }
      Arrays.sort(lat);
      runs.add(new double[] {lat[lat.length / 2], lat[lat.length * 99 / 100]});
    }
    runs.sort(Comparator.comparingDouble(x -> x[0]));
    return runs.get(runs.size() / 2);
  }

  // ---- idle volumes

  private void idleVolumes() throws Exception {
    int n = 10_000;
    // Caches of 1 MiB, so that the figure is what each volume costs, not what the (bounded)
    // block and page caches hold.
    try (Pool pool = new Pool("pool-idle", c -> c.withCaches(1 << 20, 1 << 20))) {
      long before = heapAfterGc();
      byte[] block = new byte[4096];
      long t0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        String name = "vm" + i;
        pool.volumes().create(name, VolumeSpec.ofSize(10L << 30));
        try (Volume v = pool.volumes().open(name)) {
          ByteBuffer.wrap(block).putInt(0, i);
          v.write(0, block, 0, block.length, false);
        }
      }
      pool.volumes().flushAll();
      double seconds = (System.nanoTime() - t0) / 1e9;
      long after = heapAfterGc();
      long perVolume = (after - before) / n;
      out.append(
          String.format(
              Locale.ROOT,
              "| 10,000 idle volumes (each created, opened, "
                  + "written, flushed; caches of 1 MiB) | |%n|---|---:|%n| heap per volume | %d bytes |%n"
                  + "| heap for all | %.1f MiB |%n| time to create, write and flush them | %.1f s |%n%n",
              perVolume,
              (after - before) / (double) MIB,
              seconds));
    }
  }

  private static long heapAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(200);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  // ---- block size

  private void blockSizes() throws Exception {
    out.append(
        "| block size | random 4 KiB writes, ops/s, durable | sequential write MB/s, durable "
            + "| sequential read MB/s | random 4 KiB reads, ops/s |\n|---|---:|---:|---:|---:|\n");
    long size = 512L * MIB;
    for (int bs : new int[] {4 << 10, 16 << 10, 64 << 10, 256 << 10, 1 << 20}) {
      try (Pool pool = new Pool("pool-bs")) {
        pool.volumes().create("v", new VolumeSpec(size, bs, "lz4", "default"));
        try (Volume v = pool.volumes().open("v")) {
          Durability tree = durableInTree(v, pool.volumes());
          double sw = seqWrite(v, size, tree).durable;
          double sr = seqRead(v, size);
          double rw = randomWrite(v, size, 20_000, tree).durable;
          double rr = random(v, size, false, 50_000);
          out.append(
              String.format(
                  Locale.ROOT,
                  "| %d KiB | %.0f | %.0f | %.0f | %.0f |%n",
                  bs >> 10,
                  rw,
                  sw,
                  sr,
                  rr));
        }
      }
    }
    out.append('\n');
  }

  // ---- helpers

  @FunctionalInterface
  private interface Measure {
    double run() throws Exception;
  }

  @FunctionalInterface
  private interface WriteRun {
    WriteRate run() throws Exception;
  }

  /** Medians of both rates, each over the same runs. */
  private WriteRate medianRate(WriteRun m) throws Exception {
    double[] acked = new double[reps];
    double[] durable = new double[reps];
    for (int i = 0; i < reps; i++) {
      WriteRate r = m.run();
      acked[i] = r.acked;
      durable[i] = r.durable;
    }
    Arrays.sort(acked);
    Arrays.sort(durable);
    return new WriteRate(acked[reps / 2], durable[reps / 2]);
  }

  private double median(Measure m) throws Exception {
    double[] v = new double[reps];
    for (int i = 0; i < reps; i++) {
      v[i] = m.run();
    }
    Arrays.sort(v);
    return v[reps / 2];
  }

  private void row(String workload, double ours, double raw) {
    out.append(
        String.format(
            Locale.ROOT, "| %s | %.0f | %.0f | %.2f |%n", workload, ours, raw, ours / raw));
  }

  private void aim(String aim, boolean met, String measured) {
    aims.add((met ? "met" : "**not met**") + ": " + aim + " (measured " + measured + ")");
  }

  /** A raw file seen through the volume interface, for the side-by-side rows. */
  private static Volume asVolume(FileChannel file, long size) {
    return new RawFileVolume(file, size);
  }
}
