package io.granary.dedupe.store;

import io.granary.dedupe.api.ChunkCorruptedException;
import io.granary.dedupe.api.ChunkId;
import io.granary.dedupe.api.ChunkNotFoundException;
import io.granary.dedupe.api.ChunkStore;
import io.granary.dedupe.api.ChunkStoreConfig;
import io.granary.dedupe.api.ChunkStoreStats;
import io.granary.dedupe.api.Codec;
import io.granary.dedupe.api.CodecSpec;
import io.granary.dedupe.api.DamagedChunk;
import io.granary.dedupe.api.GcOptions;
import io.granary.dedupe.api.GcReport;
import io.granary.dedupe.api.LiveChunkWalker;
import io.granary.dedupe.api.ProgressListener;
import io.granary.dedupe.api.ScrubReport;
import io.granary.dedupe.api.StoreException;
import io.granary.dedupe.codec.ChunkCompressor;
import io.granary.dedupe.codec.CorruptPayloadException;
import io.granary.dedupe.gc.ChunkIdSet;
import io.granary.dedupe.gc.CompactionTarget;
import io.granary.dedupe.gc.PackCompactor;
import io.granary.dedupe.gc.Sweeper;
import io.granary.dedupe.index.ChunkIndex;
import io.granary.dedupe.index.IndexBatch;
import io.granary.dedupe.index.IndexEntry;
import io.granary.dedupe.index.LmdbChunkIndex;
import io.granary.dedupe.index.PendingIndex;
import io.granary.dedupe.index.PendingIndex.Pending;
import io.granary.dedupe.index.StoreCounters;
import io.granary.dedupe.pack.LocalPackStorage;
import io.granary.dedupe.pack.PackLocation;
import io.granary.dedupe.pack.PackMissingException;
import io.granary.dedupe.pack.PackReaders;
import io.granary.dedupe.pack.PackScanner;
import io.granary.dedupe.pack.PackStorage;
import io.granary.dedupe.pack.PackWriter;
import io.granary.dedupe.pack.RecordDamagedException;
import io.granary.dedupe.pack.RecordHeader;
import io.granary.dedupe.scrub.Scrubber;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.UnaryOperator;

/**
 * The chunk store on a local directory: packs appended by one {@link PackWriter}, an LMDB
 * index, and an in-memory {@link PendingIndex} for records not yet committed.
 *
 * <p>Locks, outermost first: {@code lifecycle} (shared by every operation, exclusive for
 * close); {@code maintenance} (one collection, compaction or scrub at a time);
 * {@code gate} (shared by puts, exclusive for a sweep's delete batch and the start of a
 * collection); {@code commit} (one index commit at a time); {@code append} (the re-check,
 * the write and the pending entry of a new record happen as one step). Hashing and
 * compression run outside all but the first, so puts on several threads proceed in parallel.
 *
 * <p>Deliberately not done: caching decoded chunks (the volume layer caches blocks) and
 * comparing bytes on a dedupe hit (SHA-256 collisions are not a practical risk).
 */
public final class LocalChunkStore implements ChunkStore {
  private static final System.Logger LOG = System.getLogger(LocalChunkStore.class.getName());
  private static final byte[] ZEROS = new byte[64 << 10];
  private static final byte[] EMPTY = new byte[0];
  private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK always has SHA-256", e);
    }
  });

  private final ChunkStoreConfig config;
  private final StoreDirectory directory;
  private final PackStorage storage;
  private final ChunkIndex index;
  private final PendingIndex pending = new PendingIndex();
  private final PackWriter writer;
  private final PackReaders readers;
  private final ChunkCompressor compressor = new ChunkCompressor();

  private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
  private final ReentrantLock maintenance = new ReentrantLock();
  private final ReentrantReadWriteLock gate = new ReentrantReadWriteLock();
  private final ReentrantLock commitLock = new ReentrantLock();
  private final ReentrantLock appendLock = new ReentrantLock();

  private boolean closed;
  /** Sequence number of the last append; guarded by {@code appendLock}. */
  private long appendSeq;
  /** The live set while a collection runs, else {@code null}. */
  private volatile ChunkIdSet gcLive;
  private final Set<ChunkId> damaged = ConcurrentHashMap.newKeySet();
  private final Map<Integer, ChunkId> zeroIds = new ConcurrentHashMap<>();
  private final AtomicLong uncommittedIngested = new AtomicLong();

  private LocalChunkStore(ChunkStoreConfig config, StoreDirectory directory, PackStorage storage,
      ChunkIndex index, int nextPackId) {
    this.config = config;
    this.directory = directory;
    this.storage = storage;
    this.index = index;
    this.writer = new PackWriter(storage, directory.storeId(), config.packTargetBytes(),
        nextPackId);
    this.readers = new PackReaders(storage);
  }

  public static LocalChunkStore open(ChunkStoreConfig config) throws IOException {
    return open(config, UnaryOperator.identity(), false);
  }

  /**
   * Opens the store, optionally wrapping its pack medium (tests inject faults this way) and
   * optionally discarding the index first, so that it is rebuilt from the packs alone.
   */
  public static LocalChunkStore open(ChunkStoreConfig config, UnaryOperator<PackStorage> medium,
      boolean rebuildIndex) throws IOException {
    StoreDirectory dir = StoreDirectory.open(config.directory());
    ChunkIndex index = null;
    try {
      if (rebuildIndex) {
        deleteTree(dir.index());
      }
      PackStorage storage = medium.apply(new LocalPackStorage(dir.packs()));
      index = LmdbChunkIndex.open(dir.index());
      StoreRecovery.Outcome o = new StoreRecovery(storage, index, dir.storeId()).run();
      if (o.recordsIndexed() > 0 || o.tornTails() > 0) {
        LOG.log(Level.INFO, "recovered {0}: {1} records indexed, {2} torn tails cut",
            config.directory(), o.recordsIndexed(), o.tornTails());
      }
      return new LocalChunkStore(config, dir, storage, index, o.nextPackId());
    } catch (IOException | RuntimeException e) {
      if (index != null) {
        index.close();
      }
      dir.close();
      throw e;
    }
  }

  @Override
  public ChunkId put(byte[] data, int off, int len, CodecSpec codec) throws IOException {
    Objects.checkFromIndexSize(off, len, data.length);
    if (len == 0 || len > RecordHeader.MAX_RAW_LENGTH) {
      throw new IllegalArgumentException("a chunk has 1 to " + RecordHeader.MAX_RAW_LENGTH
          + " bytes, not " + len);
    }
    lifecycle.readLock().lock();
    try {
      ensureOpen();
      boolean zero = isAllZero(data, off, len);
      ChunkId id = zero ? zeroId(len) : sha256(data, off, len);
      if (!findAndMarkLive(id)) {
        if (zero) {
          RecordHeader h = new RecordHeader(id, Codec.ZERO, 0, len, 0,
              RecordHeader.payloadCrc(EMPTY, 0, 0));
          appendIfAbsent(id, h, ByteBuffer.wrap(EMPTY));
        } else {
          ChunkCompressor.Compressed c = compressor.compress(
              codec == null ? config.defaultCodec() : codec, data, off, len);
          RecordHeader h = new RecordHeader(id, c.codec(), c.level(), len, c.length(),
              RecordHeader.payloadCrc(c.bytes(), c.offset(), c.length()));
          appendIfAbsent(id, h, ByteBuffer.wrap(c.bytes(), c.offset(), c.length()));
        }
      }
      uncommittedIngested.addAndGet(len);
      maybeCommit();
      return id;
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  /** If the chunk is stored and sound, keeps it alive for a running collection. */
  private boolean findAndMarkLive(ChunkId id) throws IOException {
    gate.readLock().lock();
    try {
      if (damaged.contains(id) || lookup(id) == null) {
        return false;
      }
      markLive(id);
      return true;
    } finally {
      gate.readLock().unlock();
    }
  }

  private void appendIfAbsent(ChunkId id, RecordHeader header, ByteBuffer payload)
      throws IOException {
    gate.readLock().lock();
    try {
      appendLock.lock();
      try {
        if (!damaged.contains(id) && lookup(id) != null) {
          markLive(id); // another thread stored it first
          return;
        }
        PackLocation loc = writer.append(header.encode(), payload);
        Pending prev = pending.get(id);
        boolean replaces = prev != null ? prev.replaces() : index.get(id) != null;
        pending.put(new Pending(id, IndexEntry.of(loc, header), ++appendSeq, replaces));
        damaged.remove(id);
        markLive(id);
      } finally {
        appendLock.unlock();
      }
    } finally {
      gate.readLock().unlock();
    }
  }

  private IndexEntry lookup(ChunkId id) throws IOException {
    Pending p = pending.get(id);
    return p != null ? p.entry() : index.get(id);
  }

  private void markLive(ChunkId id) {
    ChunkIdSet live = gcLive;
    if (live != null) {
      live.add(id);
    }
  }

  private void maybeCommit() throws IOException {
    if (pending.size() >= config.commitEveryChunks() && commitLock.tryLock()) {
      try {
        syncLocked();
      } finally {
        commitLock.unlock();
      }
    }
  }

  @Override
  public byte[] get(ChunkId id) throws IOException {
    lifecycle.readLock().lock();
    try {
      ensureOpen();
      for (int attempt = 0; ; attempt++) {
        IndexEntry e = lookup(id);
        if (e == null) {
          throw new ChunkNotFoundException(id);
        }
        try {
          return read(id, e, config.verifyHashOnRead());
        } catch (PackMissingException m) {
          // Compaction may have moved the chunk, or the handle was closed: look it up again.
          if (attempt >= 3 || (m.fileGone() && e.equals(lookup(id)))) {
            throw damage(id, e, "its pack file is missing");
          }
        }
      }
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  /** Reads and verifies one chunk; damage becomes a {@link ChunkCorruptedException}. */
  private byte[] read(ChunkId id, IndexEntry e, boolean verifyHash) throws IOException {
    if (e.codec() == Codec.ZERO) {
      if (verifyHash && !zeroId(e.rawLength()).equals(id)) {
        throw damage(id, e, "a zero record under a non-zero id");
      }
      return new byte[e.rawLength()];
    }
    PackReaders.VerifiedRecord r;
    try {
      r = readers.read(id, e.location(), e.storedLength());
    } catch (RecordDamagedException d) {
      throw damage(id, e, d.getMessage());
    }
    byte[] raw;
    try {
      raw = compressor.decompress(r.header().codec(), r.array(), RecordHeader.SIZE,
          r.header().storedLength(), r.header().rawLength());
    } catch (CorruptPayloadException c) {
      throw damage(id, e, c.getMessage());
    }
    if (verifyHash && !sha256(raw, 0, raw.length).equals(id)) {
      throw damage(id, e, "content does not hash to its id");
    }
    return raw;
  }

  private ChunkCorruptedException damage(ChunkId id, IndexEntry e, String reason) {
    damaged.add(id);
    DamagedChunk d = new DamagedChunk(id, e.location().packId(), e.location().offset(), reason);
    LOG.log(Level.ERROR, d.describe());
    return new ChunkCorruptedException(d);
  }

  @Override
  public boolean contains(ChunkId id) throws IOException {
    lifecycle.readLock().lock();
    try {
      ensureOpen();
      return lookup(id) != null;
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  @Override
  public void sync() throws IOException {
    lifecycle.readLock().lock();
    try {
      ensureOpen();
      commitLock.lock();
      try {
        syncLocked();
      } finally {
        commitLock.unlock();
      }
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  /** fsyncs the active pack, then commits every entry appended before the fsync began. */
  private void syncLocked() throws IOException {
    long upTo;
    PackStorage.Appender active;
    IOException deferred;
    appendLock.lock();
    try {
      upTo = appendSeq;
      active = writer.activeAppender();
      deferred = writer.takeDeferredFailure();
    } finally {
      appendLock.unlock();
    }
    if (deferred != null) {
      throw new IOException("an earlier pack write was not made durable", deferred);
    }
    if (active != null) {
      try {
        active.force();
      } catch (ClosedChannelException sealedMeanwhile) {
        // Sealing fsynced it.
      }
    }
    List<Pending> committed = pending.upTo(upTo);
    IndexBatch batch = new IndexBatch();
    Map<Integer, Long> ends = new HashMap<>();
    for (Pending p : committed) {
      batch.put(p.id(), p.entry());
      PackLocation loc = p.entry().location();
      ends.merge(loc.packId(), loc.offset() + p.entry().recordLength(), Math::max);
    }
    ends.forEach(batch::indexedUpTo);
    long ingested = uncommittedIngested.getAndSet(0);
    batch.addIngested(ingested);
    try {
      index.apply(batch);
    } catch (IOException | RuntimeException e) {
      uncommittedIngested.addAndGet(ingested);
      throw e;
    }
    pending.removeCommitted(committed);
  }

  @Override
  public ChunkStoreStats stats() throws IOException {
    lifecycle.readLock().lock();
    try {
      ensureOpen();
      StoreCounters c;
      commitLock.lock();
      try {
        c = index.counters();
        c.add(pending.uncommittedCounters());
        c.addIngested(uncommittedIngested.get());
      } finally {
        commitLock.unlock();
      }
      List<Integer> packs = storage.list();
      long packBytes = 0;
      for (int p : packs) {
        packBytes += storage.size(p);
      }
      Map<Codec, Long> byCodec = new EnumMap<>(Codec.class);
      for (Codec codec : Codec.values()) {
        byCodec.put(codec, c.chunksWith(codec));
      }
      return new ChunkStoreStats(c.chunks(), c.ingestedBytes(), c.uniqueBytes(), c.storedBytes(),
          packs.size(), packBytes, index.sizeOnDisk(), byCodec);
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  @Override
  public GcReport collectGarbage(LiveChunkWalker walker, GcOptions options) throws IOException {
    lifecycle.readLock().lock();
    try {
      ensureOpen();
      maintenance.lock();
      try {
        long start = System.nanoTime();
        ChunkIdSet live = new ChunkIdSet(
            (int) Math.min(index.counters().chunks() + pending.size(), 1 << 28));
        PackLocation boundary = beginCollection(live);
        long before;
        Sweeper.Result swept;
        try {
          sync();
          before = index.counters().chunks();
          walker.walk(live::add);
          options.progress().progress("mark", live.size(), -1);
          swept = new Sweeper(index, gate.writeLock())
              .sweep(live, boundary, options.progress(), damaged::remove);
        } finally {
          gcLive = null;
        }
        PackCompactor.Result compacted = options.compactBelow() > 0
            ? new PackCompactor(storage, index, new Compaction())
                .compact(options.compactBelow(), options.progress())
            : new PackCompactor.Result(0, 0);
        GcReport report = new GcReport(before, live.size(), swept.swept(),
            swept.storedBytesSwept(), compacted.packsCompacted(), compacted.bytesReclaimed(),
            Duration.ofNanos(System.nanoTime() - start));
        LOG.log(Level.INFO, "gc of {0}: {1}", config.directory(), report);
        return report;
      } finally {
        maintenance.unlock();
      }
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  /**
   * From here on every put is protected: a new record lies at or past the returned boundary,
   * and a dedupe hit lands in the live set.
   */
  private PackLocation beginCollection(ChunkIdSet live) throws IOException {
    gate.writeLock().lock();
    try {
      appendLock.lock();
      try {
        gcLive = live;
        return writer.end();
      } finally {
        appendLock.unlock();
      }
    } finally {
      gate.writeLock().unlock();
    }
  }

  /** Compaction's view of this store. */
  private final class Compaction implements CompactionTarget {
    @Override
    public boolean relocate(ChunkId id, PackLocation from, PackScanner.ScannedRecord record)
        throws IOException {
      appendLock.lock();
      try {
        IndexEntry current = lookup(id);
        if (current == null || !current.location().equals(from)) {
          return false;
        }
        ByteBuffer bytes = record.bytes();
        PackLocation to = writer.append(bytes.duplicate().limit(RecordHeader.SIZE),
            bytes.duplicate().position(RecordHeader.SIZE));
        Pending prev = pending.get(id);
        pending.put(new Pending(id, IndexEntry.of(to, record.header()), ++appendSeq,
            prev == null || prev.replaces()));
        return true;
      } finally {
        appendLock.unlock();
      }
    }

    @Override
    public void sync() throws IOException {
      LocalChunkStore.this.sync();
    }

    @Override
    public int activePackId() {
      appendLock.lock();
      try {
        return writer.activePackId();
      } finally {
        appendLock.unlock();
      }
    }

    @Override
    public void forgetPack(int packId) {
      readers.evict(packId);
    }
  }

  @Override
  public ScrubReport scrub(ProgressListener progress) throws IOException {
    lifecycle.readLock().lock();
    try {
      ensureOpen();
      maintenance.lock();
      try {
        sync();
        ScrubReport report = new Scrubber(index, this::verify).scrub(progress);
        LOG.log(report.clean() ? Level.INFO : Level.ERROR,
            "scrub of {0}: {1} chunks checked, {2} damaged", config.directory(),
            report.chunksChecked(), report.damaged().size());
        return report;
      } finally {
        maintenance.unlock();
      }
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  private String verify(ChunkId id, IndexEntry e) throws IOException {
    try {
      read(id, e, true);
      return null;
    } catch (ChunkCorruptedException c) {
      return c.damage().reason();
    } catch (PackMissingException m) {
      damaged.add(id);
      return "its pack file cannot be opened";
    }
  }

  @Override
  public void close() throws IOException {
    lifecycle.writeLock().lock();
    try {
      if (closed) {
        return;
      }
      IOException failure = null;
      try {
        commitLock.lock();
        try {
          syncLocked();
        } finally {
          commitLock.unlock();
        }
      } catch (IOException e) {
        failure = e;
      }
      closed = true;
      failure = closeQuietly(writer, failure);
      failure = closeQuietly(readers, failure);
      failure = closeQuietly(index, failure);
      failure = closeQuietly(directory, failure);
      if (failure != null) {
        throw failure;
      }
    } finally {
      lifecycle.writeLock().unlock();
    }
  }

  private static IOException closeQuietly(java.io.Closeable c, IOException failure) {
    try {
      c.close();
    } catch (IOException e) {
      if (failure == null) {
        return e;
      }
      failure.addSuppressed(e);
    }
    return failure;
  }

  private void ensureOpen() throws StoreException {
    if (closed) {
      throw new StoreException(StoreException.Kind.CLOSED,
          "chunk store " + config.directory() + " is closed");
    }
  }

  private ChunkId zeroId(int length) {
    return zeroIds.computeIfAbsent(length, n -> {
      MessageDigest md = SHA256.get();
      for (int left = n; left > 0; left -= ZEROS.length) {
        md.update(ZEROS, 0, Math.min(left, ZEROS.length));
      }
      return ChunkId.of(md.digest());
    });
  }

  private static ChunkId sha256(byte[] data, int off, int len) {
    MessageDigest md = SHA256.get();
    md.update(data, off, len);
    return ChunkId.of(md.digest());
  }

  static boolean isAllZero(byte[] data, int off, int len) {
    for (int i = off, end = off + len; i < end; i += ZEROS.length) {
      int n = Math.min(ZEROS.length, end - i);
      if (java.util.Arrays.mismatch(data, i, i + n, ZEROS, 0, n) >= 0) {
        return false;
      }
    }
    return true;
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
