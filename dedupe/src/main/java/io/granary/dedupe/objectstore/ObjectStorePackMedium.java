package io.granary.dedupe.objectstore;

import io.granary.dedupe.api.MediumStats;
import io.granary.dedupe.api.ObjectStoreConfig;
import io.granary.dedupe.api.PackMedium;
import io.granary.dedupe.api.StoreException;
import io.granary.dedupe.pack.LocalPackMedium;
import io.granary.dedupe.pack.PackHeader;
import io.granary.dedupe.pack.PackListing;
import io.granary.dedupe.pack.PackScanner;
import io.granary.dedupe.pack.RecordFormatException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Packs on an object store ({@code docs/format.md} §5): a pack is filled in the local spool as
 * on a local pool; once sealed it is uploaded as one immutable object, {@code
 * <prefix>packs/<number>-<lease epoch>.pack}, written only if absent, and its spool copy deleted
 * once the store has it. Sealed packs are read back by ranged GETs of whole {@link
 * PackCache#PAGE pages} through a local cache with a hard size cap. Checkpoints (§5.1) are
 * uploaded once and named by the manifest, and every write to the bucket happens under the
 * pool's {@link PoolLease} (§5.2).
 *
 * <p>Durability: a sealed pack is acknowledged (its records indexed) while still in the spool,
 * which is where its only durable copy stays until the upload succeeds; a crash before then
 * leaves it in the spool, and opening the store seals it again, which uploads it. Losing the
 * local disk loses the spool's backlog ({@link #backlogBytes}) and what came after the newest
 * checkpoint, nothing before it.
 *
 * <p>States of a pack: <em>spooled</em> (a spool file only: being filled, or sealed and queued
 * for upload), <em>remote</em> (in {@code remote}, the spool copy deleted or about to be), and
 * <em>deleted, object kept</em> (in {@code deleteAtNextCheckpoint} and the spool's {@code
 * deleted-packs} file, until a checkpoint no longer needs it). Transitions happen under this
 * object's monitor, which holds no request but the manifest's swap and no file operation but
 * the spool's own. Readers opened while a pack is spooled read the spool file and move to the
 * store when the upload ends ({@link MovingReader}); readers opened after read the store.
 *
 * <p>Requests: LISTs of the packs and checkpoints at open (never on a read or write path), one
 * PUT per sealed pack and one for its listing, one ranged GET per page missed, a few per
 * checkpoint, one lease renewal every 10 s, one DeleteObjects per checkpoint that follows a
 * collection (up to 500 packs with their listings). A pack answered 404 is remembered as lost
 * ({@code lost}): its reads fail without a request until the pool reopens.
 *
 * <p>Back-pressure: a new pack waits while the upload backlog is at the spool's bound, so the
 * store down slows writers (their dirty memory fills, then they wait) instead of failing them or
 * filling the local disk.
 *
 * <p>Read-only ({@link Access#READ_ONLY}): no lease is taken and nothing is written to the
 * bucket; the packs are read as they were listed at open (a writer's later collections may
 * delete some, whose reads then fail).
 *
 * <p>Limits: requests go through the pool's {@link ThrottledObjectStore} (requests a second,
 * bytes a second), then are counted.
 *
 * <p>Not done here: a FLUSH that waits for the bucket (the store's checkpoint, which the
 * appliance publishes).
 */
public final class ObjectStorePackMedium implements PackMedium {
  static final String PACKS = "packs/";
  static final String CHECKPOINTS = "checkpoints/";
  static final String MANIFEST = "manifest";
  static final String LEASE = "lease";
  private static final java.util.regex.Pattern PACK_NAME =
      java.util.regex.Pattern.compile("([0-9a-f]{8})-([0-9a-f]{8})\\.pack");
  private static final String LISTING_SUFFIX = ".list";
  private static final System.Logger LOG = System.getLogger(ObjectStorePackMedium.class.getName());

  /** Checkpoints kept besides the newest, for a restore that finds the newest damaged. */
  private static final int OLDER_CHECKPOINTS_KEPT = 2;

  private final LocalPackMedium spool;

  /** The packs deleted here whose objects wait for the next checkpoint, one key a line. */
  private final Path deletedList;

  private final CountingObjectStore store;
  private final String prefix;
  private final PackCache cache;
  private final PackUploads uploads;

  /** Time requests waited for the pool's limits. */
  private final java.util.function.LongSupplier throttledNanos;

  /** The upload backlog beyond which a new pack waits. */
  private final long spoolBytes;

  /** Packs the store holds, with their sizes, and their keys. */
  private final ConcurrentHashMap<Integer, Long> remote = new ConcurrentHashMap<>();

  private final ConcurrentHashMap<Integer, String> remoteKeys = new ConcurrentHashMap<>();

  /**
   * Packs the store answered 404 for since open (lost, or deleted behind this appliance's back):
   * their reads fail at once rather than with a GET each, until the pool is opened again.
   */
  private final Set<Integer> lost = ConcurrentHashMap.newKeySet();

  /** The listings' keys of packs in the store that have one (§5.3). */
  private final ConcurrentHashMap<Integer, String> listingKeys = new ConcurrentHashMap<>();

  private final PoolLease lease;

  /** The manifest's version as this appliance last wrote or read it; guarded by this. */
  private String manifestEtag;

  /** Readers of spooled packs, to move to the store after the upload; guarded by this. */
  private final Map<Integer, Set<MovingReader>> spoolReaders = new ConcurrentHashMap<>();

  /** Packs deleted while their upload ran; guarded by this. */
  private final Set<Integer> deletedWhileUploading = new HashSet<>();

  /**
   * Packs deleted here whose objects stay until the next checkpoint is published: the newest
   * published one may still need their chunks. Guarded by this.
   */
  private final List<String> deleteAtNextCheckpoint = new ArrayList<>();

  /** Generations of the checkpoints in the bucket, ascending. Guarded by this. */
  private final TreeSet<Long> checkpoints = new TreeSet<>(Long::compareUnsigned);

  ObjectStorePackMedium(
      LocalPackMedium spool,
      ObjectStore store,
      String prefix,
      PackCache cache,
      LeaseTerms terms,
      long spoolBytes)
      throws IOException {
    this.spool = spool;
    this.spoolBytes = spoolBytes;
    this.deletedList = spool.directory().resolve("deleted-packs");
    this.store = new CountingObjectStore(store);
    this.throttledNanos = store instanceof ThrottledObjectStore t ? t::waitedNanos : () -> 0;
    this.prefix = prefix;
    this.cache = cache;
    if (terms.access() == Access.CREATE) {
      refuseIfTaken(this.store, prefix);
    }
    this.lease =
        terms.access() == Access.READ_ONLY
            ? null
            : PoolLease.acquire(
                this.store,
                prefix + LEASE,
                terms.owner(),
                terms.host(),
                terms.duration(),
                terms.clock(),
                terms.access() == Access.TAKE_OVER);
    try {
      readBucket();
    } catch (IOException | RuntimeException e) {
      if (lease != null) {
        lease.close();
      }
      throw e;
    }
    this.uploads = new PackUploads(prefix.isEmpty() ? "/" : prefix, this::upload);
  }

  /** How a pool's appliance uses its bucket. */
  public enum Access {
    /** A new pool: refused if its prefix holds a pool already (then nothing is written). */
    CREATE,
    /** Under the pool's lease, refused while another appliance holds it. */
    WRITE,
    /** The same, taking the lease from an appliance that let it lapse. */
    TAKE_OVER,
    /** Without the lease: reads only, beside a writer or none. */
    READ_ONLY
  }

  /**
   * Refuses a new pool where a pool's objects are (its lease, manifest or packs): another pool's,
   * or this one's, whose local disk was lost and which comes back with {@code attach}.
   */
  private static void refuseIfTaken(ObjectStore store, String prefix) throws IOException {
    // GETs, not HEADs: a HEAD's error has no body, so no code such as NoSuchBucket to tell
    if (store.read(prefix + LEASE) != null
        || store.read(prefix + MANIFEST) != null
        || !store.list(prefix + PACKS).isEmpty()) {
      throw new StoreException(
          StoreException.Kind.BAD_FORMAT,
          "s3 prefix "
              + (prefix.isEmpty() ? "/" : prefix)
              + " already holds a pool: attach it (granary pool attach), or give this one"
              + " another --prefix");
    }
  }

  /** What the bucket holds: packs (the newest epoch of each number), checkpoints, the manifest. */
  private void readBucket() throws IOException {
    Map<Integer, Long> epochs = new java.util.HashMap<>();
    Map<String, Long> all = store.list(prefix + PACKS);
    Set<String> listed = all.keySet();
    for (Map.Entry<String, Long> e : all.entrySet()) {
      String name = e.getKey().substring(prefix.length() + PACKS.length());
      java.util.regex.Matcher m = PACK_NAME.matcher(name);
      if (!m.matches()) {
        continue;
      }
      int packId = Integer.parseUnsignedInt(m.group(1), 16);
      long epoch = Long.parseLong(m.group(2), 16);
      Long seen = epochs.get(packId);
      if (seen != null) {
        LOG.log(
            Level.WARNING,
            "pack {0} is in the bucket under epochs {1} and {2}: the newest is used",
            m.group(1),
            seen,
            epoch);
        if (epoch < seen) {
          continue;
        }
      }
      epochs.put(packId, epoch);
      remote.put(packId, e.getValue());
      remoteKeys.put(packId, e.getKey());
    }
    for (Map.Entry<Integer, String> e : remoteKeys.entrySet()) {
      String listing = listingKey(e.getValue());
      if (listed.contains(listing)) {
        listingKeys.put(e.getKey(), listing);
      }
    }
    if (Files.exists(deletedList)) {
      for (String key : Files.readAllLines(deletedList)) {
        java.util.regex.Matcher m = PACK_NAME.matcher(key.substring(key.lastIndexOf('/') + 1));
        if (m.matches()) {
          int packId = Integer.parseUnsignedInt(m.group(1), 16);
          if (key.equals(remoteKeys.get(packId))) {
            remote.remove(packId);
            remoteKeys.remove(packId);
          }
          deleteAtNextCheckpoint.add(key);
        }
      }
    }
    for (String key : store.list(prefix + CHECKPOINTS).keySet()) {
      String name = key.substring(prefix.length() + CHECKPOINTS.length());
      if (name.matches("[0-9a-f]{16}")) {
        checkpoints.add(Long.parseUnsignedLong(name, 16));
      }
    }
    ObjectStore.Versioned manifest = store.read(prefix + MANIFEST);
    manifestEtag = manifest == null ? null : manifest.etag();
  }

  /** Packs of pools configured as {@code config} says, with their spool where the store says. */
  public static PackMedium.Factory factory(ObjectStoreConfig config, Access access) {
    return spoolDir ->
        open(config, spoolDir, PoolLease.DEFAULT_DURATION, java.time.Clock.systemUTC(), access);
  }

  static ObjectStorePackMedium open(
      ObjectStoreConfig config,
      Path spoolDir,
      Duration leaseDuration,
      java.time.Clock clock,
      Access access)
      throws IOException {
    ObjectStore store =
        ThrottledObjectStore.limit(
            S3ObjectStore.open(config), config.requestsPerSecond(), config.bytesPerSecond());
    try {
      LocalPackMedium spool = new LocalPackMedium(spoolDir);
      return new ObjectStorePackMedium(
          spool,
          store,
          config.prefix(),
          new PackCache(spoolDir.resolveSibling("pack-cache"), config.cacheBytes()),
          LeaseTerms.of(spoolDir.resolveSibling("lease-owner"), leaseDuration, clock, access),
          config.spoolBytes());
    } catch (IOException | RuntimeException e) {
      store.close();
      throw e;
    }
  }

  /** Whether this appliance only reads the pool (it holds no lease). */
  public boolean readOnly() {
    return lease == null;
  }

  private void writable() throws IOException {
    if (lease == null) {
      throw new IOException("the pool is attached read-only: nothing is written to its bucket");
    }
  }

  /** The key a pack is uploaded under now: its number and the lease's epoch. */
  String uploadKey(int packId) {
    return prefix + PACKS + String.format("%08x-%08x.pack", packId, lease.epoch());
  }

  /** The key of a pack's listing: the pack's key, {@code .pack} replaced. */
  private static String listingKey(String packKey) {
    return packKey.substring(0, packKey.length() - ".pack".length()) + LISTING_SUFFIX;
  }

  @Override
  public byte[] listing(int packId) throws IOException {
    String key = listingKeys.get(packId);
    if (key == null) {
      return null;
    }
    try {
      return store.get(key);
    } catch (NoSuchFileException gone) {
      return null;
    }
  }

  /**
   * The listing of a sealed pack in the spool, read from the spool file (in the page cache
   * still); null if the file does not scan clean, which a sealed pack always does.
   */
  private byte[] listSpooled(int packId) throws IOException {
    try (PackMedium.Reader r = spool.openForRead(packId)) {
      java.nio.ByteBuffer head = java.nio.ByteBuffer.allocate(PackHeader.SIZE);
      if (r.read(head, 0) < PackHeader.SIZE) {
        return null;
      }
      PackHeader header = PackHeader.decode(head.flip());
      List<PackScanner.ScannedRecord> records = new ArrayList<>();
      PackScanner.Result result =
          PackScanner.scan(
              r,
              PackHeader.SIZE,
              rec -> records.add(new PackScanner.ScannedRecord(rec.offset(), rec.header(), null)));
      if (result.tornTail() || result.end() != r.size()) {
        return null;
      }
      return new PackListing(header, r.size(), records).encode();
    } catch (RecordFormatException e) {
      return null;
    }
  }

  /** The key of a pack in the store; null if it is not there. */
  private String key(int packId) {
    return remoteKeys.get(packId);
  }

  @Override
  public List<Integer> list() throws IOException {
    TreeSet<Integer> ids = new TreeSet<>(Integer::compareUnsigned);
    ids.addAll(spool.list());
    ids.addAll(remote.keySet());
    return List.copyOf(ids);
  }

  /**
   * Starts a pack in the spool, once the upload backlog is below the spool's bound: writers
   * wait here (back-pressure) while the store is down or slower than they are, rather than fill
   * the local disk. Waits outside this object's monitor, which uploads need.
   */
  @Override
  public Appender create(int packId) throws IOException {
    writable();
    try {
      uploads.awaitBacklogBelow(spoolBytes);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted waiting for uploads to catch up");
    }
    synchronized (this) {
      if (remote.containsKey(packId)) {
        throw new FileAlreadyExistsException(key(packId));
      }
      return spool.create(packId);
    }
  }

  @Override
  public synchronized Reader openForRead(int packId) throws IOException {
    Long size = remote.get(packId);
    if (size != null) {
      return new RemoteReader(packId, size);
    }
    MovingReader r =
        new MovingReader(spool.openForRead(packId), closed -> forgetSpoolReader(packId, closed));
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
    writable();
    if (remote.containsKey(packId)) {
      throw new IOException("pack " + key(packId) + " is sealed in the store: it cannot be cut");
    }
    spool.truncate(packId, length);
  }

  @Override
  public void seal(int packId) throws IOException {
    List<MovingReader> moving;
    synchronized (this) {
      if (lease == null && remote.containsKey(packId)) {
        return; // read-only: what the bucket holds is as it is
      }
      writable();
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
    lease.check();
    String key = uploadKey(packId);
    byte[] listing = listSpooled(packId);
    if (!store.putIfAbsent(key, file)) {
      long there = store.size(key);
      if (there != size) {
        throw new IOException(
            "the store already holds "
                + key
                + " with "
                + there
                + " bytes, not this pool's "
                + size
                + ": another pool's, or damage; the pack stays in the spool");
      }
    }
    // The listing only once the pack is there: a listing never names a pack the store lacks.
    if (listing != null) {
      store.putIfAbsent(listingKey(key), listing);
    }
    List<MovingReader> moving;
    synchronized (this) {
      moving = deletedWhileUploading.remove(packId) ? null : takeSpoolReaders(packId);
      if (moving != null) {
        remote.put(packId, size);
        remoteKeys.put(packId, key);
        if (listing != null) {
          listingKeys.put(packId, listingKey(key));
        }
      }
    }
    if (moving == null) {
      store.deleteAll(List.of(key, listingKey(key))); // a collection deleted it while it went up
      return;
    }
    leaveSpool(packId, moving);
  }

  /** A spool reader closed: it is not moved when its pack leaves the spool. */
  private synchronized void forgetSpoolReader(int packId, MovingReader r) {
    Set<MovingReader> rs = spoolReaders.get(packId);
    if (rs != null) {
      rs.remove(r);
    }
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

  /**
   * Deletes the pack here at once; its object, if the store has one, at the next {@link
   * #publishCheckpoint} (a pack deleted while it goes up was in no published checkpoint, and is
   * deleted once up).
   */
  @Override
  public void delete(int packId) throws IOException {
    writable();
    synchronized (this) {
      if (!uploads.remove(packId) && uploads.pending(packId)) {
        deletedWhileUploading.add(packId);
      }
      String key = remoteKeys.remove(packId);
      listingKeys.remove(packId);
      if (remote.remove(packId) != null && key != null) {
        deleteAtNextCheckpoint.add(key);
        // remembered, so that reopening does not bring the pack back from the bucket
        Files.writeString(
            deletedList,
            key + "\n",
            StandardOpenOption.CREATE,
            StandardOpenOption.APPEND,
            StandardOpenOption.DSYNC);
      }
      spoolReaders.remove(packId);
    }
    spool.delete(packId);
    cache.forget(packId);
    lost.remove(packId);
  }

  @Override
  public boolean keepsCheckpoints() {
    return true;
  }

  /**
   * Waits for the uploads through {@code lastSealedPackId}, uploads the checkpoint as {@code
   * checkpoints/<generation>} (written once), then points {@code manifest} at it (the one object
   * ever overwritten); only then deletes the objects of packs deleted since the last one, and
   * checkpoints older than the two before it.
   */
  @Override
  public void publishCheckpoint(long generation, byte[] checkpoint, int lastSealedPackId)
      throws IOException {
    writable();
    try {
      uploads.awaitThrough(lastSealedPackId);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted waiting for uploads");
    }
    lease.check();
    String name = String.format("%016x", generation);
    // Already there with these very bytes: this upload's own, whose answer was lost and whose
    // retry the store refused.
    if (!store.putIfAbsent(prefix + CHECKPOINTS + name, checkpoint)
        && !java.util.Arrays.equals(store.get(prefix + CHECKPOINTS + name), checkpoint)) {
      throw new IOException(
          "the bucket already holds checkpoint "
              + prefix
              + CHECKPOINTS
              + name
              + ": another appliance writes this pool");
    }
    byte[] manifest = new PoolManifest(name, lease.epoch()).encode();
    synchronized (this) {
      // A swap: of two appliances that both think they write this pool, one fails here.
      String tag = store.swap(prefix + MANIFEST, manifest, manifestEtag);
      if (tag == null) {
        // Refused as stale. Only this holder writes manifests naming its epoch: one that does
        // is this holder's own, written by a request whose answer was lost (retried by the
        // client, or interrupted); then the swap is made again from it.
        ObjectStore.Versioned v = store.read(prefix + MANIFEST);
        if (v != null && PoolManifest.namesEpoch(v.bytes(), lease.epoch())) {
          tag =
              java.util.Arrays.equals(v.bytes(), manifest)
                  ? v.etag()
                  : store.swap(prefix + MANIFEST, manifest, v.etag());
        }
      }
      if (tag == null) {
        throw new IOException(
            "the pool's manifest changed under this appliance: another appliance writes this"
                + " pool, and this one publishes nothing more");
      }
      manifestEtag = tag;
    }
    List<String> packs;
    List<Long> old = new ArrayList<>();
    synchronized (this) {
      packs = new ArrayList<>(deleteAtNextCheckpoint);
      deleteAtNextCheckpoint.clear();
      checkpoints.add(generation);
      while (checkpoints.size() > OLDER_CHECKPOINTS_KEPT + 1) {
        old.add(checkpoints.pollFirst());
      }
    }
    List<String> doomed = new ArrayList<>();
    for (String key : packs) {
      doomed.add(key);
      doomed.add(listingKey(key));
    }
    try {
      store.deleteAll(doomed); // one request per 500 packs
    } catch (IOException e) {
      LOG.log(
          Level.WARNING,
          "packs deleted here stay in the bucket until the next checkpoint: {0}",
          e.getMessage());
      synchronized (this) {
        deleteAtNextCheckpoint.addAll(packs); // kept in deleted-packs below, tried again
      }
    }
    synchronized (this) {
      if (deleteAtNextCheckpoint.isEmpty()) {
        Files.deleteIfExists(deletedList);
      } else {
        StringBuilder rest = new StringBuilder();
        deleteAtNextCheckpoint.forEach(k -> rest.append(k).append('\n'));
        Path tmp = deletedList.resolveSibling("deleted-packs.tmp");
        Files.writeString(tmp, rest);
        Files.move(tmp, deletedList, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      }
    }
    List<String> oldKeys = new ArrayList<>();
    for (long g : old) {
      oldKeys.add(prefix + CHECKPOINTS + String.format("%016x", g));
    }
    try {
      store.deleteAll(oldKeys);
    } catch (IOException e) {
      // published all the same: the next open lists them, and a later checkpoint deletes them
      LOG.log(Level.WARNING, "older checkpoints stay in the bucket for now: {0}", e.getMessage());
    }
  }

  @Override
  public synchronized long newestCheckpointGeneration() {
    return checkpoints.isEmpty() ? 0 : checkpoints.last();
  }

  @Override
  public byte[] newestCheckpoint() throws IOException {
    byte[] manifest;
    try {
      manifest = store.get(prefix + MANIFEST);
    } catch (NoSuchFileException none) {
      return null;
    }
    return store.get(prefix + CHECKPOINTS + PoolManifest.checkpointOf(manifest, prefix + MANIFEST));
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
        store.retries(),
        store.bytesUploaded(),
        store.bytesDownloaded(),
        throttledNanos.getAsLong());
  }

  /** Waits until every sealed pack is in the store (tests; a clean handover). */
  void awaitUploads() throws InterruptedException {
    uploads.awaitEmpty();
  }

  PackCache cache() {
    return cache;
  }

  /** Stops the uploads (what is queued stays in the spool), releases the lease. */
  @Override
  public void close() throws IOException {
    try {
      uploads.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      try {
        if (lease != null) {
          lease.close();
        }
      } finally {
        store.close();
      }
    }
  }

  PoolLease lease() {
    return lease;
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
      String key = key(id);
      if (key == null || lost.contains(id)) {
        throw new NoSuchFileException(key, null, "gone from the bucket");
      }
      long from = page * PackCache.PAGE;
      try {
        return store.get(key, from, (int) Math.min(PackCache.PAGE, size - from));
      } catch (NoSuchFileException e) {
        if (lost.add(id)) {
          LOG.log(Level.ERROR, "pack {0} is gone from the bucket: its chunks cannot be read", key);
        }
        throw e;
      }
    }

    @Override
    public long size() {
      return size;
    }

    @Override
    public void close() {}
  }
}
