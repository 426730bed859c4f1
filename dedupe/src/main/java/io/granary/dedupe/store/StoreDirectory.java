package io.granary.dedupe.store;

import io.granary.dedupe.api.StoreException;
import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.List;

/**
 * The store's directory: its {@code FORMAT} identity file and the exclusive lock that keeps a
 * second process out ({@code docs/format.md} §1.1).
 */
final class StoreDirectory implements Closeable {
  static final int FORMAT_VERSION = 1;
  private static final String FIRST_LINE = "granary-chunk-store";

  private final Path root;
  private final long storeId;
  private final FileChannel lockChannel;
  private final FileLock lock;

  private StoreDirectory(Path root, long storeId, FileChannel lockChannel, FileLock lock) {
    this.root = root;
    this.storeId = storeId;
    this.lockChannel = lockChannel;
    this.lock = lock;
  }

  static StoreDirectory open(Path root) throws IOException {
    Files.createDirectories(root);
    FileChannel ch =
        FileChannel.open(root.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = ch.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) {
      ch.close();
      throw new StoreException(
          StoreException.Kind.LOCKED,
          "chunk store " + root + " is already open in another process");
    }
    try {
      return new StoreDirectory(root, readOrCreateFormat(root), ch, lock);
    } catch (IOException | RuntimeException e) {
      lock.release();
      ch.close();
      throw e;
    }
  }

  private static long readOrCreateFormat(Path root) throws IOException {
    Path format = root.resolve("FORMAT");
    if (!Files.exists(format)) {
      Path packs = root.resolve("packs");
      if (Files.isDirectory(packs)) {
        try (var s = Files.list(packs)) {
          if (s.findAny().isPresent()) {
            throw new StoreException(
                StoreException.Kind.BAD_FORMAT, root + " holds packs but no FORMAT file");
          }
        }
      }
      long id = new SecureRandom().nextLong();
      writeFormat(root, id);
      return id;
    }
    List<String> lines = Files.readAllLines(format, StandardCharsets.UTF_8);
    if (lines.isEmpty() || !lines.get(0).equals(FIRST_LINE)) {
      throw new StoreException(StoreException.Kind.BAD_FORMAT, root + " is not a chunk store");
    }
    String version = value(lines, "format-version");
    if (!String.valueOf(FORMAT_VERSION).equals(version)) {
      throw new StoreException(
          StoreException.Kind.BAD_FORMAT,
          "chunk store format version "
              + version
              + " is not supported (this build reads "
              + FORMAT_VERSION
              + ")");
    }
    try {
      return Long.parseUnsignedLong(value(lines, "store-id"), 16);
    } catch (NumberFormatException | NullPointerException e) {
      throw new StoreException(StoreException.Kind.BAD_FORMAT, "bad store-id in " + format);
    }
  }

  /**
   * Makes {@code root} the directory of the existing store {@code storeId} (a pool attached
   * from its bucket), before it is opened; refused if it holds a store already.
   */
  static void adopt(Path root, long storeId) throws IOException {
    Files.createDirectories(root);
    if (Files.exists(root.resolve("FORMAT"))) {
      throw new StoreException(StoreException.Kind.BAD_FORMAT, root + " already holds a store");
    }
    writeFormat(root, storeId);
  }

  /** Writes {@code FORMAT} whole (temporary name, fsync, rename, directory fsync). */
  private static void writeFormat(Path root, long id) throws IOException {
    String text =
        FIRST_LINE
            + "\nformat-version="
            + FORMAT_VERSION
            + "\nstore-id="
            + String.format("%016x", id)
            + "\n";
    Path tmp = root.resolve("FORMAT.tmp");
    Files.writeString(tmp, text, StandardCharsets.UTF_8);
    try (FileChannel c = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
      c.force(true);
    }
    Files.move(tmp, root.resolve("FORMAT"), StandardCopyOption.ATOMIC_MOVE);
    try (FileChannel d = FileChannel.open(root, StandardOpenOption.READ)) {
      d.force(true);
    }
  }

  private static String value(List<String> lines, String key) {
    for (String l : lines) {
      if (l.startsWith(key + "=")) {
        return l.substring(key.length() + 1).trim();
      }
    }
    return null;
  }

  Path root() {
    return root;
  }

  Path packs() {
    return root.resolve("packs");
  }

  Path index() {
    return root.resolve("index");
  }

  long storeId() {
    return storeId;
  }

  @Override
  public void close() throws IOException {
    try {
      lock.release();
    } finally {
      lockChannel.close();
    }
  }
}
