package io.granary.snapshots.volume;

import io.granary.snapshots.api.Volume;
import io.granary.snapshots.api.VolumeSpec;
import io.granary.snapshots.testing.TestPool;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;

/**
 * The process {@link IntentLogTest} kills: writes in one of three ways, prints the journal's
 * size after each step ({@code name bytes}), then {@code DONE}, and waits for its SIGKILL.
 */
public final class IntentLogVictim {
  private static final int BS = 16384;

  private IntentLogVictim() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    String mode = args[1];
    TestPool pool = IntentLogTest.pool(dir, mode.equals("backlog") ? 1L << 20 : 64L << 20);
    switch (mode) {
      case "journal" -> journal(pool, dir);
      case "backlog" -> backlog(pool, dir);
      case "newest" -> newest(pool);
      default -> throw new IllegalArgumentException(mode);
    }
    say("end", 0);
    System.out.println("DONE");
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }

  /** 200 random 4 KiB writes, a FLUSH, an empty FLUSH, then an FUA write of one byte. */
  private static void journal(TestPool pool, Path dir) throws IOException {
    pool.volumes().create("v", new VolumeSpec(1 << 20, BS, "lz4", "default", true));
    Volume v = pool.volumes().open("v");
    Random r = new Random(1);
    for (int i = 0; i < 200; i++) {
      byte[] d = new byte[4096];
      r.nextBytes(d);
      v.write(r.nextInt(256) * 4096L, d, 0, d.length, false);
    }
    say("after-writes", journalBytes(dir));
    v.flush();
    say("after-flush", journalBytes(dir));
    v.flush();
    say("after-second-flush", journalBytes(dir));
    v.write(0, new byte[] {7}, 0, 1, true);
    say("after-fua", journalBytes(dir));
  }

  /** What {@link #journal} leaves, computed again. */
  static byte[] journalModel() {
    byte[] model = new byte[1 << 20];
    Random r = new Random(1);
    for (int i = 0; i < 200; i++) {
      byte[] d = new byte[4096];
      r.nextBytes(d);
      System.arraycopy(d, 0, model, r.nextInt(256) * 4096, d.length);
    }
    model[0] = 7;
    return model;
  }

  /** 8 MiB written, then a FLUSH, with a volume-flush threshold of 1 MiB. */
  private static void backlog(TestPool pool, Path dir) throws IOException {
    byte[] model = backlogModel();
    pool.volumes().create("v", new VolumeSpec(model.length, BS, "lz4", "default", true));
    Volume v = pool.volumes().open("v");
    v.write(0, model, 0, model.length, false);
    v.flush();
    say("after-flush", journalBytes(dir));
  }

  static byte[] backlogModel() {
    byte[] model = new byte[8 << 20];
    new Random(2).nextBytes(model);
    return model;
  }

  /** Overlapping writes, and a block zeroed whole then written in part, then a FLUSH. */
  private static void newest(TestPool pool) throws IOException {
    pool.volumes().create("v", new VolumeSpec(4L * BS, BS, "lz4", "default", true));
    Volume v = pool.volumes().open("v");
    v.write(BS, new byte[] {9, 9, 9}, 0, 3, false);
    v.write(100, new byte[] {1, 1, 1, 1}, 0, 4, false);
    v.write(102, new byte[] {2, 2, 2, 2}, 0, 4, false);
    v.writeZeroes(BS, BS, false);
    v.write(BS + 10, new byte[] {3}, 0, 1, false);
    v.flush();
  }

  private static void say(String name, long value) {
    System.out.println(name + " " + value);
    System.out.flush();
  }

  /**
   * The bytes of the journal's segments up to their last byte that is not zero: the records, and
   * not the zeroes written ahead of them (which a FLUSH writes into; the victim's records end
   * with random data or the byte 7).
   */
  static long journalBytes(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir.resolve("journal"))) {
      return files
          .filter(Files::isRegularFile)
          .mapToLong(
              p -> {
                try {
                  byte[] b = Files.readAllBytes(p);
                  int end = b.length;
                  while (end > 0 && b[end - 1] == 0) {
                    end--;
                  }
                  return end;
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              })
          .sum();
    }
  }
}
