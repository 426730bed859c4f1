package io.granary.dedupe.objectstore;

import io.granary.dedupe.api.MediumStats;
import io.granary.dedupe.api.ObjectStoreConfig;
import io.granary.dedupe.api.PackMedium;
import io.granary.dedupe.pack.LocalPackMedium;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Packs on an object store ({@code docs/format.md} §7): a pack is filled in the local spool as
 * on a local pool; once sealed it is uploaded as one immutable object, {@code
 * <prefix>packs/<8 hex digits>.pack}, written only if absent, and its spool copy deleted once
 * the store has it. Sealed packs are read back by ranged GETs of whole {@link PackCache#PAGE
 * pages} through a local cache with a hard size cap.
 *
 * <p>Durability: a sealed pack is acknowledged (its records indexed) while still in the spool,
 * which is where its only durable copy stays until the upload succeeds; a crash before then
 * leaves it in the spool, and opening the store seals it again, which uploads it. Losing the
 * local disk loses the spool's backlog ({@link #backlogBytes}), nothing the store holds.
 *
 * <p>States of a pack: <em>spooled</em> (a spool file only: being filled, or sealed and queued
 * for upload) and <em>remote</em> (in {@code remote}, the spool copy deleted or about to be).
 * Transitions happen under this object's monitor, which no I/O holds but the spool's own file
 * operations. Readers opened while a pack is spooled read the spool file and move to the store
 * when the upload ends ({@link MovingReader}); readers opened after read the store.
 *
 * <p>Requests: one LIST of the packs at open (never on a read or write path), one PUT per
 * sealed pack, one ranged GET per page missed, one DELETE per pack a collection deletes.
 *
 * <p>Not done here: the per-pack index objects and catalog in the bucket, the pool's lease,
 * request-rate and bandwidth limits.
 */
public final class ObjectStorePackMedium implements PackMedium {
  static final String PACKS = "packs/";

  private final LocalPackMedium spool;
  private final CountingObjectStore store;
  private final String prefix;
  private final PackCache cache;
  private final PackUploads uploads;

  /** Packs the store holds, with their sizes. */
  private final ConcurrentHashMap<Integer, Long> remote = new ConcurrentHashMap<>();

  /** Readers of spooled packs, to move to the store after the upload; guarded by this. */
  private final Map<Integer, Set<MovingReader>> spoolReaders = new ConcurrentHashMap<>();

  /** Packs deleted while their upload ran; guarded by this. */
  private final Set<Integer> deletedWhileUploading = new HashSet<>();

  ObjectStorePackMedium(LocalPackMedium spool, ObjectStore store, String prefix, PackCache cache)
      throws IOException {
    this.spool = spool;
    this.store = new CountingObjectStore(store);
    this.prefix = prefix;
    this.cache = cache;
    for (Map.Entry<String, Long> e : this.store.list(prefix + PACKS).entrySet()) {
      Integer packId = packIdOf(e.getKey().substring(prefix.length() + PACKS.length()));
      if (packId != null) {
        remote.put(packId, e.getValue());
      }
    }
    this.uploads = new PackUploads(prefix.isEmpty() ? "/" : prefix, this::upload);
  }

  /** Packs of pools configured as {@code config} says, with their spool where the store says. */
  public static PackMedium.Factory factory(ObjectStoreConfig config) {
    return spoolDir -> {
      ObjectStore store = S3ObjectStore.open(config);
      try {
        return new ObjectStorePackMedium(
            new LocalPackMedium(spoolDir),
            store,
            config.prefix(),
            new PackCache(spoolDir.resolveSibling("pack-cache"), config.cacheBytes()));
      } catch (IOException | RuntimeException e) {
        store.close();
        throw e;
      }
    };
  }

  private static Integer packIdOf(String name) {
    if (!name.matches("[0-9a-f]{8}\\.pack")) {
      return null;
    }
    return Integer.parseUnsignedInt(name.substring(0, 8), 16);
  }

  String key(int packId) {
    return prefix + PACKS + String.format("%08x.pack", packId);
  }

  @Override
  public List<Integer> list() throws IOException {
    TreeSet<Integer> ids = new TreeSet<>(Integer::compareUnsigned);
    ids.addAll(spool.list());
    ids.addAll(remote.keySet());
    return List.copyOf(ids);
  }

  @Override
  public synchronized Appender create(int packId) throws IOException {
    if (remote.containsKey(packId)) {
      throw new FileAlreadyExistsException(key(packId));
    }
    return spool.create(packId);
  }

  @Override
  public synchronized Reader openForRead(int packId) throws IOException {
    Long size = remote.get(packId);
    if (size != null) {
      return new RemoteReader(packId, size);
    }
    MovingReader r = new MovingReader(packId, spool.openForRead(packId));
    spoolReaders.computeIfAbsent(packId, k -> new HashSet<>()).add(r);
    return r;
  }

  @Override
  public long size(int packId) throws IOException {
    Long size = remote.get(packId);
    return size != null ? size : spool.size(packId);
  }

  @Override
  public synchronized void truncate(int packId, long length) throws IOException {
    if (remote.containsKey(packId)) {
      throw new IOException("pack " + key(packId) + " is sealed in the store: it cannot be cut");
    }
    spool.truncate(packId, length);
  }

  @Override
  public void seal(int packId) throws IOException {
    List<MovingReader> moving;
    synchronized (this) {
      if (!remote.containsKey(packId)) {
        uploads.add(packId, spool.size(packId));
        return;
      }
      if (!Files.exists(spool.path(packId))) {
        return;
      }
      // A spool copy of a pack the store holds: a crash came between the upload and the delete.
      if (spool.size(packId) != remote.get(packId)) {
        throw new IOException(
            "pack "
                + key(packId)
                + " differs in size between the store and the spool; the spool copy is kept");
      }
      moving = takeSpoolReaders(packId);
    }
    leaveSpool(packId, moving);
  }

  /** Uploads a sealed pack (on the uploads' thread), then moves its readers to the store. */
  private void upload(int packId) throws IOException {
    Path file = spool.path(packId);
    long size;
    try {
      size = Files.size(file);
    } catch (NoSuchFileException deleted) {
      return; // deleted after it was queued
    }
    if (!store.putIfAbsent(key(packId), file)) {
      long there = store.size(key(packId));
      if (there != size) {
        throw new IOException(
            "the store already holds "
                + key(packId)
                + " with "
                + there
                + " bytes, not this pool's "
                + size
                + ": another pool's, or damage; the pack stays in the spool");
      }
    }
    List<MovingReader> moving;
    synchronized (this) {
      moving = deletedWhileUploading.remove(packId) ? null : takeSpoolReaders(packId);
      if (moving != null) {
        remote.put(packId, size);
      }
    }
    if (moving == null) {
      store.delete(key(packId)); // a collection deleted it while it went up
      return;
    }
    leaveSpool(packId, moving);
  }

  private List<MovingReader> takeSpoolReaders(int packId) {
    Set<MovingReader> rs = spoolReaders.remove(packId);
    return rs == null ? List.of() : new ArrayList<>(rs);
  }

  private void leaveSpool(int packId, List<MovingReader> moving) throws IOException {
    Long size = remote.get(packId);
    if (size == null) {
      return; // deleted meanwhile, spool copy included
    }
    for (MovingReader r : moving) {
      r.moveTo(new RemoteReader(packId, size));
    }
    spool.delete(packId);
  }

  @Override
  public void delete(int packId) throws IOException {
    Long was;
    synchronized (this) {
      if (!uploads.remove(packId) && uploads.pending(packId)) {
        deletedWhileUploading.add(packId);
      }
      was = remote.remove(packId);
      spoolReaders.remove(packId);
    }
    spool.delete(packId);
    if (was != null) {
      store.delete(key(packId));
    }
    cache.forget(packId);
  }

  @Override
  public void syncSpool() throws IOException {
    spool.syncSpool();
  }

  /** Bytes of sealed packs not yet in the store. */
  public long backlogBytes() {
    return uploads.backlogBytes();
  }

  @Override
  public MediumStats stats() {
    return new MediumStats(
        uploads.backlogBytes(),
        uploads.backlogPacks(),
        uploads.failures(),
        uploads.lastFailure(),
        cache.usedBytes(),
        cache.capBytes(),
        cache.hits(),
        cache.misses(),
        store.requests(),
        store.errors(),
        store.bytesUploaded(),
        store.bytesDownloaded());
  }

  /** Waits until every sealed pack is in the store (tests; a clean handover). */
  void awaitUploads() throws InterruptedException {
    uploads.awaitEmpty();
  }

  PackCache cache() {
    return cache;
  }

  @Override
  public void close() throws IOException {
    try {
      uploads.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      store.close();
    }
  }

  /** Reads a sealed pack from the store, through the cache. */
  private final class RemoteReader implements Reader {
    private final int packId;
    private final long size;

    RemoteReader(int packId, long size) {
      this.packId = packId;
      this.size = size;
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
      int total = 0;
      while (dst.hasRemaining() && position + total < size) {
        int room = (int) Math.min(dst.remaining(), size - position - total);
        ByteBuffer part = dst.duplicate().limit(dst.position() + room);
        int n = cache.read(packId, position + total, part, this::loadPage);
        if (n == 0) {
          break;
        }
        dst.position(dst.position() + n);
        total += n;
      }
      return total;
    }

    private byte[] loadPage(int id, long page) throws IOException {
      long from = page * PackCache.PAGE;
      return store.get(key(id), from, (int) Math.min(PackCache.PAGE, size - from));
    }

    @Override
    public long size() {
      return size;
    }

    @Override
    public void close() {}
  }

  /**
   * A reader of a spooled pack that moves to the store once the pack is uploaded, so that the
   * spool file can go. Reads take the read lock; the move takes the write lock, then closes the
   * spool reader (which waits for views of its mapping to close).
   */
  private final class MovingReader implements Reader {
    private final int packId;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private Reader current;

    MovingReader(int packId, Reader current) {
      this.packId = packId;
      this.current = current;
    }

    void moveTo(Reader remoteReader) throws IOException {
      Reader old;
      lock.writeLock().lock();
      try {
        old = current;
        current = remoteReader;
      } finally {
        lock.writeLock().unlock();
      }
      old.close();
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
      lock.readLock().lock();
      try {
        return current.read(dst, position);
      } finally {
        lock.readLock().unlock();
      }
    }

    @Override
    public View view(long position, int length) throws IOException {
      lock.readLock().lock();
      try {
        return current.view(position, length);
      } finally {
        lock.readLock().unlock();
      }
    }

    @Override
    public long size() throws IOException {
      lock.readLock().lock();
      try {
        return current.size();
      } finally {
        lock.readLock().unlock();
      }
    }

    @Override
    public void close() throws IOException {
      synchronized (ObjectStorePackMedium.this) {
        Set<MovingReader> rs = spoolReaders.get(packId);
        if (rs != null) {
          rs.remove(this);
        }
      }
      lock.readLock().lock();
      try {
        current.close();
      } finally {
        lock.readLock().unlock();
      }
    }
  }
}
