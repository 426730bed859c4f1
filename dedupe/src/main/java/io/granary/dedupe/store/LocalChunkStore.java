package io.granary.dedupe.store;

import io.granary.dedupe.api.Catalog;
import io.granary.dedupe.api.CatalogBatch;
import io.granary.dedupe.api.ChunkId;
import io.granary.dedupe.api.ChunkNotFoundException;
import io.granary.dedupe.api.ChunkStore;
import io.granary.dedupe.api.ChunkStoreConfig;
import io.granary.dedupe.api.ChunkStoreStats;
import io.granary.dedupe.api.ChunkStores;
import io.granary.dedupe.api.Codec;
import io.granary.dedupe.api.CodecSpec;
import io.granary.dedupe.api.Directories;
import io.granary.dedupe.api.GcOptions;
import io.granary.dedupe.api.GcReport;
import io.granary.dedupe.api.LiveChunkWalker;
import io.granary.dedupe.api.MediumStats;
import io.granary.dedupe.api.PackMedium;
import io.granary.dedupe.api.ProgressListener;
import io.granary.dedupe.api.ScrubReport;
import io.granary.dedupe.api.StoreException;
import io.granary.dedupe.api.StoredChunk;
import io.granary.dedupe.api.Zeroes;
import io.granary.dedupe.codec.ChunkCompressor;
import io.granary.dedupe.gc.ChunkIdSet;
import io.granary.dedupe.gc.CompactionTarget;
import io.granary.dedupe.gc.PackCompactor;
import io.granary.dedupe.gc.Sweeper;
import io.granary.dedupe.index.CachedLocations;
import io.granary.dedupe.index.ChunkIndex;
import io.granary.dedupe.index.IndexEntry;
import io.granary.dedupe.index.LmdbChunkIndex;
import io.granary.dedupe.index.StoreCounters;
import io.granary.dedupe.pack.PackLocation;
import io.granary.dedupe.pack.PackMissingException;
import io.granary.dedupe.pack.PackScanner;
import io.granary.dedupe.pack.PackWriter;
import io.granary.dedupe.pack.RecordHeader;
import io.granary.dedupe.scrub.Scrubber;
import java.io.Closeable;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The chunk store on a local directory: a {@link ChunkWriter} appending to packs and committing
 * to an LMDB index, a {@link ChunkReader} verifying what it reads, and the locks that let puts,
 * reads, syncs and a garbage collection run at the same time.
 *
 * <p>Locks, outermost first: {@code lifecycle} (shared by every operation, exclusive for
 * close); {@code maintenance} (one collection, compaction or scrub at a time);
 * {@code gate} (shared by puts, exclusive for a sweep's delete batch and the start of a
 * collection); {@code commit} (one index commit at a time); the writer's append lock.
 * Hashing and compression run under the shared locks only, so puts on several threads
 * proceed in parallel.
 *
 * <p>Deliberately not done: caching decoded chunks (the volume layer caches blocks) and
 * comparing bytes on a dedupe hit (SHA-256 collisions are not a practical risk).
 */
public final class LocalChunkStore implements ChunkStore {
  private static final System.Logger LOG = System.getLogger(LocalChunkStore.class.getName());
  private static final byte[] EMPTY = new byte[0];
  private static final CatalogBatch NO_ROWS = new CatalogBatch();

  /** Chunk locations kept in memory: 2 GiB of 16 KiB blocks, about 25 MB of heap. */
  private static final long LOCATIONS_CACHED = 1 << 17;

  private final ChunkStoreConfig config;
  private final StoreDirectory directory;
  private final PackMedium storage;
  private final ChunkIndex index;
  private final ChunkHasher hasher = new ChunkHasher();
  private final ChunkCompressor compressor = new ChunkCompressor();
  private final IncomingChunks incoming = new IncomingChunks(compressor, hasher);
  private final ChunkWriter writer;
  private final ChunkReader reader;

  private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
  private final ReentrantLock maintenance = new ReentrantLock();
  private final ReentrantReadWriteLock gate = new ReentrantReadWriteLock();
  private final ReentrantLock commitLock = new ReentrantLock();

  /** One checkpoint at a time, so generations are published in order. */
  private final ReentrantLock checkpointLock = new ReentrantLock();

  /** The newest checkpoint's generation; guarded by {@code checkpointLock}. */
  private long lastGeneration;

  /** Commits, catalog changes and caller's bytes as of the newest checkpoint, to skip a same one. */
  private long commitsAtCheckpoint = -1;

  private long catalogChangesAtCheckpoint = -1;
  private byte[] extrasAtCheckpoint;

  /** Catalog changes made through {@link #catalog}. */
  private final java.util.concurrent.atomic.AtomicLong catalogChanges =
      new java.util.concurrent.atomic.AtomicLong();

  private boolean closed;

  /** Chunks that puts found or wrote while a collection runs, else {@code null}. */
  private volatile ChunkIdSet gcTouched;

  private LocalChunkStore(
      ChunkStoreConfig config,
      StoreDirectory directory,
      PackMedium storage,
      ChunkIndex index,
      int nextPackId) {
    this.config = config;
    this.directory = directory;
    this.storage = storage;
    this.index = index;
    this.writer =
        new ChunkWriter(
            index,
            new PackWriter(storage, directory.storeId(), config.packTargetBytes(), nextPackId));
    this.reader = new ChunkReader(storage, compressor, hasher);
    this.lastGeneration = storage.newestCheckpointGeneration();
  }

  /**
   * Opens the store with its packs on the medium {@code media} makes of its spool directory,
   * optionally discarding the index first, so that it is rebuilt from the packs alone. Every
   * pack that recovery leaves is sealed: the writer starts a new one.
   */
  public static LocalChunkStore open(
      ChunkStoreConfig config, PackMedium.Factory media, boolean rebuildIndex) throws IOException {
    return open(config, media, rebuildIndex, ProgressListener.NONE);
  }

  private static LocalChunkStore open(
      ChunkStoreConfig config,
      PackMedium.Factory media,
      boolean rebuildIndex,
      ProgressListener progress)
      throws IOException {
    StoreDirectory dir = StoreDirectory.open(config.directory());
    PackMedium medium = null;
    ChunkIndex index = null;
    try {
      if (rebuildIndex) {
        Directories.deleteTree(dir.index());
      }
      medium = media.open(dir.packs());
      index = new CachedLocations(LmdbChunkIndex.open(dir.index()), LOCATIONS_CACHED);
      StoreRecovery.Outcome o = new StoreRecovery(medium, index, dir.storeId(), progress).run();
      if (o.recordsIndexed() > 0 || o.tornTails() > 0) {
        LOG.log(
            Level.INFO,
            "recovered {0}: {1} records indexed, {2} torn tails cut",
            config.directory(),
            o.recordsIndexed(),
            o.tornTails());
      }
      for (int packId : medium.list()) {
        medium.seal(packId);
      }
      return new LocalChunkStore(config, dir, medium, index, o.nextPackId());
    } catch (IOException | RuntimeException e) {
      if (index != null) {
        index.close();
      }
      if (medium != null) {
        closeQuietly(medium, null);
      }
      dir.close();
      throw e;
    }
  }

  @Override
  public ChunkId put(byte[] data, int off, int len, CodecSpec codec) throws IOException {
    Objects.checkFromIndexSize(off, len, data.length);
    checkChunkLength(len);
    return putOne(
        idOf(data, off, len),
        len,
        (id, commitsSeen) -> newRecord(id, data, off, len, codec, commitsSeen));
  }

  @Override
  public ChunkId putStored(StoredChunk chunk) throws IOException {
    return putOne(
        chunk.id(), chunk.rawLength(), (id, commitsSeen) -> incoming.verify(chunk, commitsSeen));
  }

  /** The record of a chunk to append, made only when the chunk is absent. */
  @FunctionalInterface
  private interface RecordMaker {
    ChunkWriter.NewRecord make(ChunkId id, long commitsSeen) throws IOException;
  }

  /** One chunk: kept for a running collection if present, else appended; counted as ingested. */
  private ChunkId putOne(ChunkId id, int rawLength, RecordMaker record) throws IOException {
    lifecycle.readLock().lock();
    try {
      ensureOpen();
      long commitsSeen = writer.commitsApplied();
      if (!findAndMarkTouched(new ChunkId[] {id})[0]) {
        appendIfAbsent(List.of(record.make(id, commitsSeen)));
      }
      writer.countIngested(rawLength);
      maybeCommit();
      return id;
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  @Override
  public byte[] content(StoredChunk chunk) throws IOException {
    return incoming.content(chunk);
  }

  @Override
  public boolean[] retain(ChunkId[] ids) throws IOException {
    lifecycle.readLock().lock();
    try {
      ensureOpen();
      return findAndMarkTouched(ids);
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  @Override
  public StoredChunk getStored(ChunkId id) throws IOException {
    return readEntry(id, e -> reader.readStored(id, e));
  }

  @Override
  public ChunkId[] putAll(byte[] data, int chunkLength, int count, CodecSpec codec)
      throws IOException {
    Objects.checkFromIndexSize(0, (long) chunkLength * count, data.length);
    checkChunkLength(chunkLength);
    lifecycle.readLock().lock();
    try {
      ensureOpen();
      ChunkId[] ids = new ChunkId[count];
      for (int i = 0; i < count; i++) {
        ids[i] = idOf(data, i * chunkLength, chunkLength);
      }
      long commitsSeen = writer.commitsApplied();
      boolean[] stored = findAndMarkTouched(ids);
      List<ChunkWriter.NewRecord> fresh = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        if (!stored[i]) {
          fresh.add(newRecord(ids[i], data, i * chunkLength, chunkLength, codec, commitsSeen));
        }
      }
      appendIfAbsent(fresh);
      writer.countIngested((long) chunkLength * count);
      maybeCommit();
      return ids;
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  private static void checkChunkLength(int len) {
    if (len <= 0 || len > RecordHeader.MAX_RAW_LENGTH) {
      throw new IllegalArgumentException(
          "a chunk has 1 to " + RecordHeader.MAX_RAW_LENGTH + " bytes, not " + len);
    }
  }

  private ChunkId idOf(byte[] data, int off, int len) {
    return Zeroes.isZero(data, off, len) ? hasher.zeroId(len) : hasher.id(data, off, len);
  }

  /**
   * The record that would store a chunk: an all-zero chunk without its bytes, any other
   * compressed when that pays. A compressed payload is copied out of the compressor's
   * per-thread buffer, which the next chunk reuses; a raw one stays in {@code data}.
   */
  private ChunkWriter.NewRecord newRecord(
      ChunkId id, byte[] data, int off, int len, CodecSpec codec, long commitsSeen) {
    if (id.equals(hasher.zeroId(len))) {
      RecordHeader h =
          new RecordHeader(id, Codec.ZERO, 0, len, 0, RecordHeader.payloadCrc(EMPTY, 0, 0));
      return new ChunkWriter.NewRecord(id, h, ByteBuffer.wrap(EMPTY), commitsSeen);
    }
    ChunkCompressor.Compressed c =
        compressor.compress(codec == null ? config.defaultCodec() : codec, data, off, len);
    RecordHeader h =
        new RecordHeader(
            id,
            c.codec(),
            c.level(),
            len,
            c.length(),
            RecordHeader.payloadCrc(c.bytes(), c.offset(), c.length()));
    ByteBuffer payload =
        c.bytes() == data
            ? ByteBuffer.wrap(data, off, len)
            : ByteBuffer.wrap(Arrays.copyOfRange(c.bytes(), c.offset(), c.offset() + c.length()));
    return new ChunkWriter.NewRecord(id, h, payload, commitsSeen);
  }

  /**
   * Which ids are stored and sound, with one read of the index; those are kept for a running
   * collection.
   */
  private boolean[] findAndMarkTouched(ChunkId[] ids) throws IOException {
    boolean[] stored = new boolean[ids.length];
    gate.readLock().lock();
    try {
      IndexEntry[] entries = writer.lookupAll(Arrays.asList(ids));
      for (int i = 0; i < ids.length; i++) {
        if (entries[i] != null && !reader.isDamaged(ids[i])) {
          markTouched(ids[i]);
          stored[i] = true;
        }
      }
      return stored;
    } finally {
      gate.readLock().unlock();
    }
  }

  /** Appends the records whose chunks are still absent (or damaged), under one lock. */
  private void appendIfAbsent(List<ChunkWriter.NewRecord> records) throws IOException {
    if (records.isEmpty()) {
      return;
    }
    gate.readLock().lock();
    try {
      for (ChunkId id : writer.appendIfAbsent(records, reader::isDamaged)) {
        reader.clearDamage(id);
      }
      for (ChunkWriter.NewRecord r : records) {
        markTouched(r.id()); // still under the shared gate: no sweep batch can run in between
      }
    } finally {
      gate.readLock().unlock();
    }
  }

  private void markTouched(ChunkId id) {
    ChunkIdSet touched = gcTouched;
    if (touched != null) {
      touched.add(id);
    }
  }

  private void maybeCommit() throws IOException {
    if (writer.pendingCount() >= config.commitEveryChunks() && commitLock.tryLock()) {
      try {
        writer.commit(NO_ROWS);
      } finally {
        commitLock.unlock();
      }
    }
  }

  @Override
  public byte[] get(ChunkId id) throws IOException {
    return readEntry(id, e -> reader.read(id, e, config.verifyHashOnRead()));
  }

  @Override
  public int read(ChunkId id, int offset, byte[] dst, int dstOff, int len) throws IOException {
    if (config.verifyHashOnRead()) {
      byte[] chunk = get(id); // the hash needs every byte decoded
      System.arraycopy(chunk, offset, dst, dstOff, len);
      return chunk.length;
    }
    return readEntry(id, e -> reader.readRange(id, e, offset, dst, dstOff, len));
  }

  /** What a read does with the chunk's index entry. */
  @FunctionalInterface
  private interface EntryRead<T> {
    T read(IndexEntry e) throws IOException;
  }

  /** Looks the chunk up and reads it, looking again when compaction moved it meanwhile. */
  private <T> T readEntry(ChunkId id, EntryRead<T> read) throws IOException {
    lifecycle.readLock().lock();
    try {
      ensureOpen();
      for (int attempt = 0; ; attempt++) {
        IndexEntry e = writer.lookup(id);
        if (e == null) {
          throw new ChunkNotFoundException(id);
        }
        try {
          return read.read(e);
        } catch (PackMissingException m) {
          // Compaction may have moved the chunk, or the handle was closed: look it up again.
          if (attempt >= 3 || (m.fileGone() && e.equals(writer.lookup(id)))) {
            throw reader.damage(id, e, "its pack file is missing");
          }
        }
      }
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  @Override
  public boolean contains(ChunkId id) throws IOException {
    lifecycle.readLock().lock();
    try {
      ensureOpen();
      return writer.lookup(id) != null;
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  @Override
  public void sync() throws IOException {
    syncWith(NO_ROWS);
  }

  @Override
  public void syncWith(CatalogBatch rows) throws IOException {
    lifecycle.readLock().lock();
    try {
      ensureOpen();
      commitLock.lock();
      try {
        writer.commit(rows);
      } finally {
        commitLock.unlock();
      }
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  /** The catalog, counting its changes (a checkpoint with none since the last is skipped). */
  @Override
  public Catalog catalog() {
    Catalog inner = index.catalog();
    return new Catalog() {
      @Override
      public byte[] get(String table, byte[] key) throws IOException {
        return inner.get(table, key);
      }

      @Override
      public List<Entry> list(String table) throws IOException {
        return inner.list(table);
      }

      @Override
      public void apply(CatalogBatch batch) throws IOException {
        catalogChanges.incrementAndGet();
        inner.apply(batch);
      }

      @Override
      public List<Entry> dump() throws IOException {
        return inner.dump();
      }

      @Override
      public void restore(List<Entry> rows) throws IOException {
        catalogChanges.incrementAndGet();
        inner.restore(rows);
      }
    };
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
        c.add(writer.uncommittedCounters());
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
      return new ChunkStoreStats(
          c.chunks(),
          c.ingestedBytes(),
          c.uniqueBytes(),
          c.storedBytes(),
          packs.size(),
          packBytes,
          index.sizeOnDisk(),
          byCodec);
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  @Override
  public long storedBytes() throws IOException {
    lifecycle.readLock().lock();
    try {
      ensureOpen();
      commitLock.lock();
      try {
        return index.counters().storedBytes() + writer.uncommittedCounters().storedBytes();
      } finally {
        commitLock.unlock();
      }
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
        ChunkIdSet marked =
            new ChunkIdSet(
                (int) Math.min(index.counters().chunks() + writer.pendingCount(), 1 << 28));
        ChunkIdSet touched = new ChunkIdSet();
        PackLocation boundary = beginCollection(touched);
        long before;
        Sweeper.Result swept;
        try {
          sync();
          before = index.counters().chunks();
          walker.walk(marked::add);
          options.progress().progress("mark", marked.size(), -1);
          swept =
              new Sweeper(index, gate.writeLock())
                  .sweep(marked, touched, boundary, options.progress(), reader::clearDamage);
        } finally {
          gcTouched = null;
        }
        PackCompactor.Result compacted =
            options.compactBelow() > 0
                ? new PackCompactor(storage, index, new Compaction())
                    .compact(options.compactBelow(), options.progress())
                : new PackCompactor.Result(0, 0);
        GcReport report =
            new GcReport(
                before,
                marked.size(),
                swept.swept(),
                swept.storedBytesSwept(),
                compacted.packsCompacted(),
                compacted.bytesReclaimed(),
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
   * and a dedupe hit lands in {@code touched}.
   */
  private PackLocation beginCollection(ChunkIdSet touched) throws IOException {
    gate.writeLock().lock(); // no put is between its lookup and its append
    try {
      gcTouched = touched;
      return writer.end();
    } finally {
      gate.writeLock().unlock();
    }
  }

  /** Compaction's view of this store. */
  private final class Compaction implements CompactionTarget {
    @Override
    public boolean relocate(ChunkId id, PackLocation from, PackScanner.ScannedRecord record)
        throws IOException {
      return writer.relocate(id, from, record);
    }

    @Override
    public void sync() throws IOException {
      LocalChunkStore.this.sync();
    }

    @Override
    public int activePackId() {
      return writer.activePackId();
    }

    @Override
    public void forgetPack(int packId) {
      reader.evict(packId);
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
        ScrubChecks checks = new ScrubChecks(reader, storage, directory.storeId());
        ScrubReport report = new Scrubber(index, checks::chunk, checks::pack).scrub(progress);
        LOG.log(
            report.clean() ? Level.INFO : Level.ERROR,
            "scrub of {0}: {1} chunks checked, {2} damaged; {3} pack headers checked, {4} damaged",
            config.directory(),
            report.chunksChecked(),
            report.damaged().size(),
            report.packsChecked(),
            report.damagedPacks().size());
        report.damagedPacks().forEach(d -> LOG.log(Level.ERROR, d.describe()));
        return report;
      } finally {
        maintenance.unlock();
      }
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  @Override
  public MediumStats mediumStats() {
    return storage.stats();
  }

  /**
   * Seals the active pack and commits, reads every catalog row in the same critical section
   * (so each root the rows name is in a sealed pack), then has the medium publish the
   * checkpoint once those packs are there ({@code docs/format.md} §5.1). Commits wait meanwhile;
   * the upload wait and the publishing do not hold them up.
   */
  @Override
  public long checkpoint(byte[] extras) throws IOException {
    if (!storage.keepsCheckpoints()) {
      return -1;
    }
    Checkpoint c;
    lifecycle.readLock().lock();
    try {
      ensureOpen();
      checkpointLock.lock();
      try {
        commitLock.lock();
        try {
          if (writer.commitsApplied() == commitsAtCheckpoint
              && catalogChanges.get() == catalogChangesAtCheckpoint
              && writer.pendingCount() == 0
              && Arrays.equals(extras, extrasAtCheckpoint)) {
            return lastGeneration; // nothing to say that the newest one does not
          }
          int lastPack = writer.sealActive();
          writer.commit(NO_ROWS);
          commitsAtCheckpoint = writer.commitsApplied();
          catalogChangesAtCheckpoint = catalogChanges.get();
          extrasAtCheckpoint = extras.clone();
          long generation = Math.max(lastGeneration + 1, System.currentTimeMillis());
          lastGeneration = generation;
          c =
              new Checkpoint(
                  directory.storeId(),
                  generation,
                  System.currentTimeMillis(),
                  lastPack,
                  extras.clone(),
                  index.catalog().dump());
        } finally {
          commitLock.unlock();
        }
        storage.publishCheckpoint(c.generation(), c.encode(), c.lastPackId());
      } finally {
        checkpointLock.unlock();
      }
    } finally {
      lifecycle.readLock().unlock();
    }
    LOG.log(
        Level.DEBUG, // one a FLUSH with durability remote: the caller says what is worth saying
        "checkpoint {0} of {1} published: {2} catalog rows, packs through {3}",
        Long.toHexString(c.generation()),
        config.directory(),
        c.rows().size(),
        String.format("%08x", c.lastPackId()));
    return c.generation();
  }

  /**
   * Brings a store back from its medium alone into an empty {@code config.directory()}: the
   * newest checkpoint gives its identity and catalog, the packs its index (rebuilt by reading
   * them). Returns the store and the caller's bytes of that checkpoint.
   */
  public static ChunkStores.Attached attach(
      ChunkStoreConfig config, PackMedium.Factory media, ProgressListener progress)
      throws IOException {
    Path root = config.directory();
    Checkpoint c = Checkpoint.newestInto(root, media);
    StoreDirectory.adopt(root, c.storeId());
    LocalChunkStore store = open(config, media, true, progress);
    try {
      store.index.catalog().restore(c.rows());
      store.lastGeneration = c.generation();
      store.commitsAtCheckpoint = store.writer.commitsApplied();
      store.catalogChangesAtCheckpoint = store.catalogChanges.get();
      store.extrasAtCheckpoint = c.extras();
    } catch (IOException | RuntimeException e) {
      store.close();
      throw e;
    }
    LOG.log(
        Level.INFO,
        "attached {0} from checkpoint {1}: {2} catalog rows, {3} chunks",
        root,
        Long.toHexString(c.generation()),
        c.rows().size(),
        store.index.counters().chunks());
    return new ChunkStores.Attached(store, c.extras());
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
          writer.commit(NO_ROWS);
        } finally {
          commitLock.unlock();
        }
      } catch (IOException e) {
        failure = e;
      }
      closed = true;
      failure = closeQuietly(writer, failure);
      failure = closeQuietly(reader, failure);
      failure = closeQuietly(index, failure);
      failure = closeQuietly(storage, failure);
      failure = closeQuietly(directory, failure);
      if (failure != null) {
        throw failure;
      }
    } finally {
      lifecycle.writeLock().unlock();
    }
  }

  private static IOException closeQuietly(Closeable c, IOException failure) {
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
      throw new StoreException(
          StoreException.Kind.CLOSED, "chunk store " + config.directory() + " is closed");
    }
  }
}
