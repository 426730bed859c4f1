package io.granary.dedupe.objectstore;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Pages of sealed packs read back from the object store, kept in a local directory under a hard
 * cap on their bytes, evicting the least recently used. A page is {@link #PAGE} bytes of one
 * pack (less at its end), in a file of its own; a read asks for the page and copies the part it
 * needs out of the file.
 *
 * <p>A cache that cannot grow slows reads, it never fails them: a page larger than the cap, or
 * one whose file cannot be written (a full disk), is served from memory and not kept.
 *
 * <p>Locks: the LRU table, the open channels and the byte count under this object's monitor,
 * held for no I/O but closing. A page is loaded once however many readers miss it at once
 * ({@code loading}). Evicting deletes the file and closes its channel; a reader that finds it
 * gone or closed loads the page again. Pages left by an earlier run are kept, oldest first out.
 *
 * <p>Not done here: knowing where pages come from (the caller's loader), prefetching.
 */
final class PackCache {
  static final int PAGE = 1 << 20;

  /** Page files kept open at once. */
  static final int OPEN_PAGES = 512;

  private static final Pattern NAME = Pattern.compile("([0-9a-f]{8})-([0-9a-f]{8})");

  /** Loads one page of a pack from where it lives. */
  @FunctionalInterface
  interface Loader {
    byte[] load(int packId, long page) throws IOException;
  }

  private record Key(int packId, long page) {}

  private final Path directory;
  private final long capBytes;
  private final LinkedHashMap<Key, Integer> pages = new LinkedHashMap<>(1024, 0.75f, true);

  /** Open channels of cached pages, least recently used first; guarded by this. */
  private final LinkedHashMap<Key, FileChannel> open = new LinkedHashMap<>(256, 0.75f, true);

  private long usedBytes;
  private final ConcurrentHashMap<Key, CompletableFuture<byte[]>> loading =
      new ConcurrentHashMap<>();
  private final AtomicLong hits = new AtomicLong();
  private final AtomicLong misses = new AtomicLong();

  PackCache(Path directory, long capBytes) throws IOException {
    this.directory = Files.createDirectories(directory);
    this.capBytes = capBytes;
    adoptEarlierPages();
  }

  /**
   * Copies pack {@code packId}'s bytes from {@code position} into {@code dst}, as many as fit
   * and the page holds, loading the page if it is not here. Returns the bytes copied: 0 at or
   * past the end of the pack.
   */
  int read(int packId, long position, ByteBuffer dst, Loader loader) throws IOException {
    Key key = new Key(packId, position / PAGE);
    int within = (int) (position % PAGE);
    if (cached(key)) {
      try {
        FileChannel ch = channel(key);
        int n = copyFromFile(ch, within, dst.duplicate());
        dst.position(dst.position() + n);
        hits.incrementAndGet();
        return n;
      } catch (NoSuchFileException | ClosedChannelException evicted) {
        // evicted between the lookup and the read: load it again
      }
    }
    misses.incrementAndGet();
    byte[] page = load(key, loader);
    int n = Math.max(0, Math.min(dst.remaining(), page.length - within));
    dst.put(page, Math.min(within, page.length), n);
    return n;
  }

  /**
   * An open channel of a cached page's file: kept for the next reads of the page (up to {@link
   * #OPEN_PAGES} of them, the least recently used closed first), since opening a file per 4 KiB
   * read costs more than the read.
   */
  private FileChannel channel(Key key) throws IOException {
    synchronized (this) {
      FileChannel ch = open.get(key);
      if (ch != null && ch.isOpen()) {
        return ch;
      }
    }
    FileChannel ch = FileChannel.open(path(key), StandardOpenOption.READ);
    List<FileChannel> closing = new ArrayList<>();
    synchronized (this) {
      FileChannel raced = open.get(key);
      if (raced != null && raced.isOpen()) {
        closing.add(ch);
        ch = raced;
      } else if (pages.containsKey(key)) {
        open.put(key, ch);
        Iterator<Map.Entry<Key, FileChannel>> it = open.entrySet().iterator();
        while (open.size() > OPEN_PAGES && it.hasNext()) {
          closing.add(it.next().getValue());
          it.remove();
        }
      } else {
        closing.add(ch); // evicted meanwhile: read it this once
      }
    }
    for (FileChannel c : closing) {
      if (c != ch) {
        closeQuietly(c);
      }
    }
    return ch;
  }

  private static void closeQuietly(FileChannel c) {
    try {
      c.close();
    } catch (IOException ignored) {
      // a read-only channel has nothing to lose
    }
  }

  private static int copyFromFile(FileChannel ch, int within, ByteBuffer dst) throws IOException {
    int total = 0;
    while (dst.hasRemaining()) {
      int n = ch.read(dst, within + total);
      if (n < 0) {
        break;
      }
      total += n;
    }
    return total;
  }

  private byte[] load(Key key, Loader loader) throws IOException {
    CompletableFuture<byte[]> mine = new CompletableFuture<>();
    CompletableFuture<byte[]> running = loading.putIfAbsent(key, mine);
    if (running != null) {
      try {
        return running.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException("interrupted waiting for a page");
      } catch (ExecutionException e) {
        throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
      }
    }
    try {
      byte[] page = loader.load(key.packId(), key.page());
      keep(key, page);
      mine.complete(page);
      return page;
    } catch (IOException | RuntimeException e) {
      mine.completeExceptionally(e);
      throw e;
    } finally {
      loading.remove(key, mine);
    }
  }

  /** Writes the page's file if the cap allows, evicting what it must; never fails. */
  private void keep(Key key, byte[] page) {
    if (page.length == 0 || page.length > capBytes) {
      return;
    }
    List<Key> evicted = new ArrayList<>();
    synchronized (this) {
      if (pages.containsKey(key)) {
        return; // loaded again by a reader that missed it just before it was kept
      }
      Iterator<Map.Entry<Key, Integer>> it = pages.entrySet().iterator();
      while (usedBytes + page.length > capBytes && it.hasNext()) {
        Map.Entry<Key, Integer> e = it.next();
        usedBytes -= e.getValue();
        evicted.add(e.getKey());
        it.remove();
        FileChannel ch = open.remove(e.getKey());
        if (ch != null) {
          closeQuietly(ch);
        }
      }
      usedBytes += page.length; // reserved before the file exists, so the cap holds meanwhile
    }
    for (Key k : evicted) {
      deleteQuietly(path(k));
    }
    Path tmp = directory.resolve(name(key) + ".tmp");
    try {
      Files.write(tmp, page);
      Files.move(tmp, path(key), StandardCopyOption.ATOMIC_MOVE);
      synchronized (this) {
        pages.put(key, page.length);
      }
    } catch (IOException e) {
      deleteQuietly(tmp);
      synchronized (this) {
        usedBytes -= page.length;
      }
    }
  }

  private synchronized boolean cached(Key key) {
    return pages.get(key) != null;
  }

  /** Drops every page of a pack (it was deleted). */
  void forget(int packId) {
    List<Key> gone = new ArrayList<>();
    synchronized (this) {
      Iterator<Map.Entry<Key, Integer>> it = pages.entrySet().iterator();
      while (it.hasNext()) {
        Map.Entry<Key, Integer> e = it.next();
        if (e.getKey().packId() == packId) {
          usedBytes -= e.getValue();
          gone.add(e.getKey());
          it.remove();
          FileChannel ch = open.remove(e.getKey());
          if (ch != null) {
            closeQuietly(ch);
          }
        }
      }
    }
    for (Key k : gone) {
      deleteQuietly(path(k));
    }
  }

  synchronized long usedBytes() {
    return usedBytes;
  }

  long capBytes() {
    return capBytes;
  }

  long hits() {
    return hits.get();
  }

  long misses() {
    return misses.get();
  }

  /** Takes in the pages an earlier run left, least recently written first, within the cap. */
  private void adoptEarlierPages() throws IOException {
    record Found(Key key, int size, FileTime written) {}
    List<Found> found = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(directory)) {
      for (Path p : ds) {
        Matcher m = NAME.matcher(p.getFileName().toString());
        long size = Files.size(p);
        if (!m.matches() || size == 0 || size > PAGE) {
          deleteQuietly(p); // a page cut short by a crash, or not ours
          continue;
        }
        Key k = new Key(Integer.parseUnsignedInt(m.group(1), 16), Long.parseLong(m.group(2), 16));
        found.add(new Found(k, (int) size, Files.getLastModifiedTime(p)));
      }
    }
    found.sort((a, b) -> a.written().compareTo(b.written()));
    for (Found f : found) {
      pages.put(f.key(), f.size());
      usedBytes += f.size();
    }
    Iterator<Map.Entry<Key, Integer>> it = pages.entrySet().iterator();
    while (usedBytes > capBytes && it.hasNext()) {
      Map.Entry<Key, Integer> e = it.next();
      usedBytes -= e.getValue();
      deleteQuietly(path(e.getKey()));
      it.remove();
    }
  }

  private Path path(Key k) {
    return directory.resolve(name(k));
  }

  private static String name(Key k) {
    return String.format("%08x-%08x", k.packId(), k.page());
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException ignored) {
      // a page that stays is wasted space, found and deleted at the next start
    }
  }
}
