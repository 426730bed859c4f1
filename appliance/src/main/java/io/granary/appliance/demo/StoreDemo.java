package io.granary.appliance.demo;

import io.granary.dedupe.api.ChunkStore;
import io.granary.dedupe.api.ChunkStoreConfig;
import io.granary.dedupe.api.ChunkStoreStats;
import io.granary.dedupe.api.ChunkStores;
import io.granary.dedupe.api.CodecSpec;
import io.granary.dedupe.api.ProgressListener;
import io.granary.dedupe.api.ScrubReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;

/**
 * What {@code make run} shows until the daemon exists: a synthetic disk image imported twice
 * into a fresh chunk store, with logical, unique, stored and on-disk sizes after each import.
 */
public final class StoreDemo {
  private static final int BLOCK = 64 << 10;

  private StoreDemo() {}

  public static void main(String[] args) throws IOException {
    Path dir = Path.of("var/demo-store");
    long imageBytes = 256L << 20;
    CodecSpec codec = CodecSpec.LZ4;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--data" -> dir = Path.of(args[++i]);
        case "--size-mib" -> imageBytes = Long.parseLong(args[++i]) << 20;
        case "--codec" -> codec = CodecSpec.parse(args[++i]);
        default -> {
          System.err.println("usage: StoreDemo [--data DIR] [--size-mib N] [--codec C]");
          System.exit(2);
        }
      }
    }
    // The store logs its housekeeping; the demonstration prints its own summary instead.
    java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
    deleteTree(dir);
    System.out.printf("Granary chunk store demonstration (granaryd, NBD and FUSE come with later issues)%n");
    System.out.printf("store %s (recreated), codec %s, %d KiB chunks%n", dir, codec, BLOCK >> 10);
    System.out.printf("image: %s synthetic disk, 40%% never-written, 30%% text, 20%% random,"
        + " 10%% repeated blocks%n%n", size(imageBytes));
    System.out.printf("%-18s %10s %10s %10s %10s %9s%n", "", "logical", "unique", "stored",
        "on disk", "MB/s");
    DemoImage image = new DemoImage(BLOCK);
    try (ChunkStore store = ChunkStores.open(ChunkStoreConfig.defaults(dir).withCodec(codec))) {
      for (String pass : new String[] {"after 1st import", "after 2nd import"}) {
        byte[] block = new byte[BLOCK];
        long start = System.nanoTime();
        for (long i = 0; i < imageBytes / BLOCK; i++) {
          image.fill(i, block);
          store.put(block);
        }
        store.sync();
        double seconds = (System.nanoTime() - start) / 1e9;
        ChunkStoreStats s = store.stats();
        System.out.printf("%-18s %10s %10s %10s %10s %9.0f%n", pass, size(s.ingestedBytes()),
            size(s.uniqueBytes()), size(s.storedBytes()), size(s.diskBytes()),
            imageBytes / seconds / 1e6);
      }
      ChunkStoreStats s = store.stats();
      System.out.printf("%ndedupe ratio %.2f (logical / unique), compression ratio %.2f"
              + " (unique / stored), logical / on disk %.2f%n", s.dedupeRatio(),
          s.compressionRatio(), (double) s.ingestedBytes() / s.diskBytes());
      System.out.printf("chunks by codec: %s%n", s.chunksByCodec());
      ScrubReport scrub = store.scrub(ProgressListener.NONE);
      System.out.printf("scrub: %d chunks re-read and re-hashed, %d damaged%n",
          scrub.chunksChecked(), scrub.damaged().size());
    }
  }

  private static String size(long bytes) {
    String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
    double v = bytes;
    int u = 0;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, u == 0 ? "%.0f %s" : "%.1f %s", v, units[u]);
  }

  private static void deleteTree(Path dir) throws IOException {
    if (Files.exists(dir)) {
      try (var paths = Files.walk(dir)) {
        for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }
}
