package io.granary.dedupe.bench;

import io.granary.dedupe.api.ChunkId;
import io.granary.dedupe.api.ChunkStore;
import io.granary.dedupe.api.ChunkStoreConfig;
import io.granary.dedupe.api.ChunkStoreStats;
import io.granary.dedupe.api.ChunkStores;
import io.granary.dedupe.api.CodecSpec;
import io.granary.testing.DiskUsage;
import io.granary.testing.TestData;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code make bench} for the chunk store: ingest and read rates of Granary next to
 * {@code sha256sum}, {@code lz4} and {@code zstd} on the same files in the same run, the
 * compression ratios, and the disk cost of writing the same data twice. Prints Markdown.
 */
public final class ChunkStoreBench {
  private static final int CHUNK = 64 << 10;

  private final Path dir;
  private final long size;
  private final int reps;
  private final StringBuilder out = new StringBuilder();
  private final List<String> aims = new ArrayList<>();

  private ChunkStoreBench(Path dir, long size, int reps) {
    this.dir = dir;
    this.size = size;
    this.reps = reps;
  }

  public static void main(String[] args) throws Exception {
    Path dir = Path.of("target/bench");
    long sizeMib = 1024;
    int reps = 5;
    Path report = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--dir" -> dir = Path.of(args[++i]);
        case "--size-mib" -> sizeMib = Long.parseLong(args[++i]);
        case "--reps" -> reps = Integer.parseInt(args[++i]);
        case "--report" -> report = Path.of(args[++i]);
        default -> {} // options of the other benchmarks
      }
    }
    Logger.getLogger("").setLevel(Level.WARNING);
    Files.createDirectories(dir);
    ChunkStoreBench bench = new ChunkStoreBench(dir, sizeMib << 20, reps);
    bench.run();
    System.out.print(bench.out);
    if (report != null) {
      Files.writeString(report, bench.out.toString());
    }
  }

  private void run() throws Exception {
    Path random = dataset("random.bin", (i, buf) -> TestData.fillRandom(i, buf));
    Path text =
        dataset(
            "text.bin",
            (i, buf) ->
                System.arraycopy(TestData.compressible(i, buf.length), 0, buf, 0, buf.length));
    Path jdk = dir.resolve("jdk-modules.bin");
    Files.copy(
        Path.of(System.getProperty("java.home"), "lib", "modules"),
        jdk,
        StandardCopyOption.REPLACE_EXISTING);
    for (Path p : List.of(random, text, jdk)) {
      PeerTool.time("cat " + p, dir); // into the page cache, for both sides
    }

    header();
    out.append(
        "| workload (64 KiB chunks) | Granary MB/s | Granary MB/cpu-s | peer | peer MB/s "
            + "| peer MB/cpu-s | Granary / peer |\n|---|---:|---:|---|---:|---:|---:|\n");
    Timing sha = peer("sha256sum " + random);
    Timing lz4 = peer("lz4 -1 -q -f " + text + " " + dir.resolve("text.lz4"));
    Timing zstd = peer("zstd -3 -q -f " + text + " -o " + dir.resolve("text.zst"));
    Timing lz4d = peer("lz4 -d -q -c " + dir.resolve("text.lz4"));
    Timing zstdd = peer("zstd -d -q -c " + dir.resolve("text.zst"));

    Result dup1 = duplicateIngest(random, 1);
    row("ingest duplicate data, 1 thread", dup1.timing, size, "sha256sum", sha, size);
    Result dup2 = duplicateIngest(random, 2);
    row("ingest duplicate data, 2 threads", dup2.timing, size, "sha256sum", sha, size);
    row(
        "ingest unique random, 1 thread",
        freshIngest(random, CodecSpec.LZ4, 1).timing,
        size,
        "sha256sum",
        sha,
        size);
    row(
        "ingest unique random, 2 threads",
        freshIngest(random, CodecSpec.LZ4, 2).timing,
        size,
        "sha256sum",
        sha,
        size);
    Result lz41 = freshIngest(text, CodecSpec.LZ4, 1);
    row("ingest text, lz4, 1 thread", lz41.timing, size, "lz4 -1", lz4, size);
    Result lz42 = freshIngest(text, CodecSpec.LZ4, 2);
    row("ingest text, lz4, 2 threads", lz42.timing, size, "lz4 -1", lz4, size);
    Result zs1 = freshIngest(text, CodecSpec.zstd(3), 1);
    row("ingest text, zstd:3, 1 thread", zs1.timing, size, "zstd -3", zstd, size);
    row(
        "ingest text, zstd:3, 2 threads",
        freshIngest(text, CodecSpec.zstd(3), 2).timing,
        size,
        "zstd -3",
        zstd,
        size);
    row("read text (lz4), 1 thread", read(lz41, 1), size, "lz4 -d", lz4d, size);
    row("read text (lz4), 2 threads", read(lz41, 2), size, "lz4 -d", lz4d, size);
    row("read text (zstd:3), 1 thread", read(zs1, 1), size, "zstd -d", zstdd, size);
    row("read random, 1 thread", read(dup1, 1), size, "cat", peer("cat " + random), size);
    out.append('\n');

    ratios(text, jdk);
    twiceOnDisk(random);
    chunkSizes(text);

    double dupPerCore = dup1.timing.mbPerSecond(size);
    aim(
        "duplicate ingest at least 1 GB/s per core (1 thread)",
        dupPerCore >= 1000,
        String.format(Locale.ROOT, "%.0f MB/s", dupPerCore));
    double lz4Ratio1 = lz41.timing.mbPerSecond(size) / lz4.mbPerSecond(size);
    double lz4Ratio2 = lz42.timing.mbPerSecond(size) / lz4.mbPerSecond(size);
    aim(
        "lz4 ingest of compressible data at least 0.7 x the lz4 tool",
        Math.max(lz4Ratio1, lz4Ratio2) >= 0.7,
        String.format(Locale.ROOT, "%.2f x with 1 thread, %.2f x with 2", lz4Ratio1, lz4Ratio2));
    out.append("\n### Aims\n\n");
    for (String a : aims) {
      out.append("- ").append(a).append('\n');
    }
  }

  private void header() {
    out.append("## Chunk store (`dedupe/`)\n\n");
    out.append(
        String.format(
            Locale.ROOT,
            "Data: %d MiB per dataset, %d KiB chunks; median of %d runs; every ingest ends with a "
                + "`sync` (fsync) and writes to the same disk as the peers' output. MB/cpu-s is MB per "
                + "CPU-second of the whole process (Granary: the JVM, GC included; peers: user+sys), "
                + "a figure that the other tenants of a shared machine disturb less.%n%n",
            size >> 20,
            CHUNK >> 10,
            reps));
    out.append("Peers: ")
        .append(PeerTool.version("sha256sum --version"))
        .append("; ")
        .append(PeerTool.version("lz4 --version | tr -d '*'"))
        .append("; ")
        .append(PeerTool.version("zstd --version | tr -d '*'"))
        .append(". Java: ")
        .append(System.getProperty("java.vm.name"))
        .append(' ')
        .append(System.getProperty("java.version"))
        .append(".\n\n");
  }

  /** A timing and the store (with the ids of the file's chunks in order) it left behind. */
  private record Result(Timing timing, Path store, List<ChunkId> ids, ChunkStoreStats stats) {}

  private Result freshIngest(Path file, CodecSpec codec, int threads) throws Exception {
    List<Timing> runs = new ArrayList<>();
    Result last = null;
    for (int r = 0; r < reps; r++) {
      Path store = fresh("store-" + codec.toString().replace(':', '-') + "-" + threads);
      AtomicReference<List<ChunkId>> ids = new AtomicReference<>();
      ChunkStoreConfig config = ChunkStoreConfig.defaults(store).withCodec(codec);
      try (ChunkStore s = ChunkStores.open(config)) {
        runs.add(Timing.of(() -> ids.set(ingest(s, file, threads, CHUNK))));
        last = new Result(null, store, ids.get(), s.stats());
      }
    }
    return new Result(Timing.median(runs), last.store, last.ids, last.stats);
  }

  private Result duplicateIngest(Path file, int threads) throws Exception {
    Path store = fresh("store-dup-" + threads);
    try (ChunkStore s = ChunkStores.open(ChunkStoreConfig.defaults(store))) {
      List<ChunkId> ids = ingest(s, file, threads, CHUNK);
      List<Timing> runs = new ArrayList<>();
      for (int r = 0; r < reps; r++) {
        runs.add(Timing.of(() -> ingest(s, file, threads, CHUNK)));
      }
      return new Result(Timing.median(runs), store, ids, s.stats());
    }
  }

  private Timing read(Result ingested, int threads) throws Exception {
    try (ChunkStore s = ChunkStores.open(ChunkStoreConfig.defaults(ingested.store))) {
      List<Timing> runs = new ArrayList<>();
      for (int r = 0; r < reps; r++) {
        runs.add(
            Timing.of(
                () ->
                    parallel(
                        threads,
                        ingested.ids.size(),
                        (i, buf) -> {
                          byte[] chunk = s.get(ingested.ids.get(i));
                          if (chunk.length == 0) {
                            throw new IllegalStateException();
                          }
                        },
                        CHUNK)));
      }
      return Timing.median(runs);
    }
  }

  /** Puts every chunk of {@code file}, {@code threads} at a time, then syncs. */
  static List<ChunkId> ingest(ChunkStore store, Path file, int threads, int chunkSize)
      throws Exception {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      int chunks = (int) ((ch.size() + chunkSize - 1) / chunkSize);
      ChunkId[] ids = new ChunkId[chunks];
      parallel(
          threads,
          chunks,
          (i, buf) -> {
            ByteBuffer b = ByteBuffer.wrap(buf);
            int n = 0;
            while (b.hasRemaining()) {
              int r = ch.read(b, (long) i * chunkSize + n);
              if (r < 0) {
                break;
              }
              n += r;
            }
            ids[i] = store.put(buf, 0, n, null);
          },
          chunkSize);
      store.sync();
      return Arrays.asList(ids);
    }
  }

  @FunctionalInterface
  private interface ChunkTask {
    void run(int index, byte[] buffer) throws Exception;
  }

  /** Runs {@code task} for indexes 0..count-1, thread t taking every t-th index. */
  private static void parallel(int threads, int count, ChunkTask task, int bufferSize)
      throws Exception {
    AtomicReference<Exception> failure = new AtomicReference<>();
    List<Thread> ts = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int first = t;
      Thread th =
          new Thread(
              () -> {
                byte[] buf = new byte[bufferSize];
                try {
                  for (int i = first; i < count; i += threads) {
                    task.run(i, buf);
                  }
                } catch (Exception e) {
                  failure.compareAndSet(null, e);
                }
              });
      ts.add(th);
      th.start();
    }
    for (Thread th : ts) {
      th.join();
    }
    if (failure.get() != null) {
      throw failure.get();
    }
  }

  private void ratios(Path text, Path jdk) throws Exception {
    out.append(
        "| corpus | codec | Granary ratio, 64 KiB chunks | 1 MiB chunks | tool ratio "
            + "(whole file) | Granary 64 KiB / tool | Granary 1 MiB / tool |\n"
            + "|---|---|---:|---:|---:|---:|---:|\n");
    for (Path corpus : List.of(text, jdk)) {
      long bytes = Files.size(corpus);
      for (String codec : List.of("lz4", "zstd:3")) {
        double small = storedRatio(corpus, CodecSpec.parse(codec), CHUNK);
        double large = storedRatio(corpus, CodecSpec.parse(codec), 1 << 20);
        Path packed = dir.resolve("ratio.out");
        PeerTool.time(
            codec.equals("lz4")
                ? "lz4 -1 -q -f " + corpus + " " + packed
                : "zstd -3 -q -f " + corpus + " -o " + packed,
            dir);
        double tool = (double) bytes / Files.size(packed);
        out.append(
            String.format(
                Locale.ROOT,
                "| %s (%d MiB) | %s | %.3f | %.3f | %.3f (`%s`) " + "| %.3f | %.3f |%n",
                corpus.getFileName(),
                bytes >> 20,
                codec,
                small,
                large,
                tool,
                codec.equals("lz4") ? "lz4 -1" : "zstd -3",
                small / tool,
                large / tool));
        if (codec.equals("zstd:3")) {
          aim(
              "zstd:3 ratio within 3 % of `zstd -3` on " + corpus.getFileName(),
              small >= 0.97 * tool,
              String.format(
                  Locale.ROOT,
                  "%.1f %% lower at 64 KiB chunks, %.1f %% at 1 MiB",
                  100 * (1 - small / tool),
                  100 * (1 - large / tool)));
        }
      }
    }
    out.append('\n');
  }

  private double storedRatio(Path corpus, CodecSpec codec, int chunkSize) throws Exception {
    Path store = fresh("store-ratio");
    try (ChunkStore s = ChunkStores.open(ChunkStoreConfig.defaults(store).withCodec(codec))) {
      ingest(s, corpus, 2, chunkSize);
      ChunkStoreStats st = s.stats();
      return (double) st.uniqueBytes() / st.storedBytes();
    }
  }

  private void twiceOnDisk(Path random) throws Exception {
    Path store = fresh("store-twice");
    long once;
    long twice;
    try (ChunkStore s = ChunkStores.open(ChunkStoreConfig.defaults(store))) {
      ingest(s, random, 2, CHUNK);
      once = DiskUsage.of(store);
      ingest(s, random, 2, CHUNK);
      twice = DiskUsage.of(store);
    }
    double r = (double) twice / once;
    out.append(
        String.format(
            Locale.ROOT,
            "| the same %d MiB written | on disk (du) |%n"
                + "|---|---:|%n| once | %d |%n| twice | %d |%n| twice / once | %.5f |%n%n",
            size >> 20,
            once,
            twice,
            r));
    aim(
        "writing the same data twice costs at most 1.01 x once on disk",
        r <= 1.01,
        String.format(Locale.ROOT, "%.5f x", r));
  }

  private void chunkSizes(Path text) throws Exception {
    out.append(
        "| chunk size (text, 1 thread) | duplicate ingest MB/s | lz4 ingest MB/s "
            + "| lz4 ratio | zstd:3 ingest MB/s | zstd:3 ratio |\n|---|---:|---:|---:|---:|---:|\n");
    for (int chunk : new int[] {4 << 10, 64 << 10, 1 << 20}) {
      double[] lz4 = ingestRate(text, CodecSpec.LZ4, chunk);
      double[] zstd = ingestRate(text, CodecSpec.zstd(3), chunk);
      out.append(
          String.format(
              Locale.ROOT,
              "| %d KiB | %.0f | %.0f | %.3f | %.0f | %.3f |%n",
              chunk >> 10,
              lz4[2],
              lz4[0],
              lz4[1],
              zstd[0],
              zstd[1]));
    }
    out.append('\n');
  }

  /** {fresh ingest MB/s, stored ratio, duplicate ingest MB/s} with one thread. */
  private double[] ingestRate(Path file, CodecSpec codec, int chunk) throws Exception {
    List<Timing> fresh = new ArrayList<>();
    List<Timing> dup = new ArrayList<>();
    double ratio = 0;
    for (int r = 0; r < Math.max(1, reps / 2); r++) {
      Path store = fresh("store-sizes");
      try (ChunkStore s = ChunkStores.open(ChunkStoreConfig.defaults(store).withCodec(codec))) {
        fresh.add(Timing.of(() -> ingest(s, file, 1, chunk)));
        dup.add(Timing.of(() -> ingest(s, file, 1, chunk)));
        ChunkStoreStats st = s.stats();
        ratio = (double) st.uniqueBytes() / st.storedBytes();
      }
    }
    long bytes = Files.size(file);
    return new double[] {
      Timing.median(fresh).mbPerSecond(bytes), ratio, Timing.median(dup).mbPerSecond(bytes)
    };
  }

  private Timing peer(String command) throws Exception {
    List<Timing> runs = new ArrayList<>();
    for (int r = 0; r < reps; r++) {
      runs.add(PeerTool.time(command, dir));
    }
    return Timing.median(runs);
  }

  private void row(
      String workload, Timing ours, long ourBytes, String peerName, Timing peer, long peerBytes) {
    out.append(
        String.format(
            Locale.ROOT,
            "| %s | %.0f | %.0f | `%s` | %.0f | %.0f | %.2f |%n",
            workload,
            ours.mbPerSecond(ourBytes),
            ours.mbPerCpuSecond(ourBytes),
            peerName,
            peer.mbPerSecond(peerBytes),
            peer.mbPerCpuSecond(peerBytes),
            ours.mbPerSecond(ourBytes) / peer.mbPerSecond(peerBytes)));
  }

  private void aim(String aim, boolean met, String measured) {
    aims.add((met ? "met" : "**not met**") + ": " + aim + " (measured " + measured + ")");
  }

  @FunctionalInterface
  private interface BlockFiller {
    void fill(long index, byte[] block);
  }

  private Path dataset(String name, BlockFiller filler) throws IOException {
    Path p = dir.resolve(name);
    if (Files.exists(p) && Files.size(p) == size) {
      return p;
    }
    byte[] block = new byte[1 << 20];
    try (OutputStream os = Files.newOutputStream(p)) {
      for (long i = 0; i < size >> 20; i++) {
        filler.fill(i, block);
        os.write(block);
      }
    }
    return p;
  }

  private Path fresh(String name) throws IOException {
    Path p = dir.resolve(name);
    if (Files.exists(p)) {
      try (var s = Files.walk(p)) {
        for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(q);
        }
      }
    }
    return p;
  }
}
