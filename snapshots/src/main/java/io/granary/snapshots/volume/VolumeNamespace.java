package io.granary.snapshots.volume;

import io.granary.dedupe.api.CodecSpec;
import io.granary.dedupe.api.Directories;
import io.granary.snapshots.api.Names;
import io.granary.snapshots.api.NoSuchVolumeException;
import io.granary.snapshots.api.ReadOnlyVolumeException;
import io.granary.snapshots.api.SnapshotInfo;
import io.granary.snapshots.api.VolumeBusyException;
import io.granary.snapshots.api.VolumeException;
import io.granary.snapshots.api.VolumeExistsException;
import io.granary.snapshots.api.VolumeInfo;
import io.granary.snapshots.api.VolumeSpec;
import io.granary.snapshots.catalog.SnapshotRecord;
import io.granary.snapshots.catalog.VolumeRecord;
import io.granary.snapshots.replication.ReceiveRules;
import io.granary.snapshots.replication.StreamHeader;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * The names of a pool's volumes and snapshots and every change to them: create, rename,
 * delete, snapshot, clone, rollback, new data services. Each change checks, then commits one
 * catalog transaction; a change that provisions space takes it from the pool first and gives
 * it back if the commit fails.
 *
 * <p>Locks: one {@code namespace} lock serializes every change, the opening of an engine and
 * the pool's close, so that a name is checked and changed with nothing in between, and no
 * volume opens while it is being deleted. Lookups ({@link #requireVolume}) take no lock.
 *
 * <p>Not done here: the data of a volume (its engine), queries over many volumes (the store).
 */
final class VolumeNamespace {
  private static final System.Logger LOG = System.getLogger(VolumeNamespace.class.getName());

  private final VolumeContext ctx;
  private final OpenVolumes open;
  private final Function<VolumeRecord, VolumeInfo> info;
  private final ReentrantLock namespace = new ReentrantLock();
  private boolean closed;

  /** @param info describes a newly created volume */
  VolumeNamespace(VolumeContext ctx, OpenVolumes open, Function<VolumeRecord, VolumeInfo> info) {
    this.ctx = ctx;
    this.open = open;
    this.info = info;
  }

  void checkOpen() throws VolumeException {
    if (closed) {
      throw new VolumeException(VolumeException.Kind.CLOSED, "the volume store is closed");
    }
  }

  /** Refuses every later change; returns false if it was closed already. */
  boolean close() {
    namespace.lock();
    try {
      boolean was = !closed;
      closed = true;
      return was;
    } finally {
      namespace.unlock();
    }
  }

  VolumeRecord requireVolume(String name) throws IOException {
    Names.check("volume", name);
    VolumeRecord r = ctx.catalog.volume(name);
    if (r == null) {
      throw new NoSuchVolumeException("volume " + name + " does not exist");
    }
    return r;
  }

  /** Refuses a change a replica does not take: it changes only by receiving. */
  static void requireOwn(VolumeRecord r, String change) throws ReadOnlyVolumeException {
    if (r.isReplica()) {
      throw new ReadOnlyVolumeException(
          r.name()
              + " is a replica of "
              + r.replicaOf()
              + ": it changes only by receiving; promote it to "
              + change);
    }
  }

  /** A volume's snapshots by name. */
  Map<String, SnapshotRecord> snapshotsByName(VolumeRecord r) throws IOException {
    Map<String, SnapshotRecord> out = new HashMap<>();
    for (SnapshotRecord s : ctx.catalog.snapshots(r.id())) {
      out.put(s.name(), s);
    }
    return out;
  }

  /** How a volume would take a stream, judged without the lock (the switch judges again). */
  ReceiveRules.Outcome judgeReceive(String volume, StreamHeader h, boolean force)
      throws IOException {
    VolumeRecord r = ctx.catalog.volume(volume);
    return ReceiveRules.judge(
        volume,
        r,
        r == null ? Map.of() : snapshotsByName(r),
        h,
        force,
        r != null && open.handles(r) > 0);
  }

  /**
   * The one atomic switch of a receive, once its tree is proven whole: a new replica, or the
   * volume moved to the received tree, with the received snapshot, in one catalog commit.
   */
  ReceiveRules.Outcome adoptReplica(String volume, StreamHeader h, boolean force)
      throws IOException {
    namespace.lock();
    try {
      checkOpen();
      ReceiveRules.Outcome outcome = judgeReceive(volume, h, force);
      String identity = ReceiveRules.identity(h);
      switch (outcome) {
        case CREATE ->
            addVolume(
                h.size(),
                (id, now) ->
                    new VolumeRecord(
                        volume,
                        id,
                        h.size(),
                        h.blockSize(),
                        h.root(),
                        0,
                        0,
                        now,
                        now,
                        h.codec(),
                        VolumeSpec.DEFAULT_PROFILE,
                        "",
                        h.dedupe(),
                        identity),
                r -> received(r.id(), h));
        case SWITCH -> {
          VolumeRecord r = requireVolume(volume);
          open.openLocked(r).switchTo(h.root(), h.size(), identity, received(r.id(), h));
        }
        case ALREADY_RECEIVED -> {}
      }
      return outcome;
    } finally {
      namespace.unlock();
    }
  }

  private static SnapshotRecord received(long volumeId, StreamHeader h) {
    return new SnapshotRecord(
        volumeId, h.snapshot(), h.root(), h.size(), h.blockSize(), h.created());
  }

  /** Makes a replica a volume of its own: writable, and no longer taking its source's streams. */
  void promote(String volume) throws IOException {
    namespace.lock();
    try {
      checkOpen();
      VolumeRecord r = requireVolume(volume);
      if (!r.isReplica()) {
        throw new VolumeException(
            VolumeException.Kind.INVALID, volume + " is not a replica: nothing to promote");
      }
      VolumeEngine e = open.get(r.id());
      if (e != null) {
        e.setReplicaOf("");
      } else {
        ctx.catalog.change().put(r.withReplicaOf("")).commit();
      }
      LOG.log(Level.INFO, "promoted {0}, a replica of {1}", volume, r.replicaOf());
    } finally {
      namespace.unlock();
    }
  }

  SnapshotRecord requireSnapshot(VolumeRecord v, String snapshot) throws IOException {
    Names.checkSnapshot(snapshot);
    SnapshotRecord s = ctx.catalog.snapshot(v.id(), snapshot);
    if (s == null) {
      throw new NoSuchVolumeException("snapshot " + v.name() + "@" + snapshot + " does not exist");
    }
    return s;
  }

  /** The engine of a volume, opened now (under the namespace lock) if it is not open. */
  VolumeEngine engine(VolumeRecord r) throws IOException {
    VolumeEngine e = open.get(r.id());
    if (e != null) {
      return e;
    }
    namespace.lock();
    try {
      checkOpen();
      return open.openLocked(requireVolume(r.name()));
    } finally {
      namespace.unlock();
    }
  }

  VolumeInfo create(String name, VolumeSpec spec) throws IOException {
    Names.check("volume", name);
    checkCodec(spec.codec());
    namespace.lock();
    try {
      checkOpen();
      if (ctx.catalog.volume(name) != null) {
        throw new VolumeExistsException("volume " + name + " already exists");
      }
      VolumeRecord r =
          addVolume(
              spec.size(),
              (id, now) ->
                  new VolumeRecord(
                      name,
                      id,
                      spec.size(),
                      spec.blockSize(),
                      null,
                      0,
                      0,
                      now,
                      now,
                      spec.codec(),
                      spec.profile(),
                      "",
                      spec.dedupe(),
                      ""));
      return info.apply(r);
    } finally {
      namespace.unlock();
    }
  }

  private static void checkCodec(String codec) throws VolumeException {
    try {
      CodecSpec.parse(codec);
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new VolumeException(
          VolumeException.Kind.INVALID,
          codec == null ? "a codec is needed (none, lz4 or zstd:LEVEL)" : e.getMessage());
    }
  }

  void setServices(String volume, String codec, boolean dedupe, String profile) throws IOException {
    checkCodec(codec);
    Names.check("profile", profile);
    namespace.lock();
    try {
      checkOpen();
      VolumeRecord r = requireVolume(volume);
      VolumeEngine e = open.get(r.id());
      if (e != null) {
        e.setServices(codec, dedupe, profile);
      } else {
        ctx.catalog.change().put(r.withServices(codec, dedupe, profile)).commit();
      }
    } finally {
      namespace.unlock();
    }
  }

  void rename(String name, String newName) throws IOException {
    Names.check("volume", newName);
    namespace.lock();
    try {
      checkOpen();
      VolumeRecord r = requireVolume(name);
      if (ctx.catalog.volume(newName) != null) {
        throw new VolumeExistsException("volume " + newName + " already exists");
      }
      VolumeEngine e = open.get(r.id());
      if (e != null) {
        e.rename(newName);
      } else {
        ctx.catalog.change().deleteVolume(name).put(r.withName(newName)).commit();
      }
    } finally {
      namespace.unlock();
    }
  }

  void delete(String name, boolean withSnapshots) throws IOException {
    namespace.lock();
    try {
      checkOpen();
      VolumeRecord r = requireVolume(name);
      if (open.handles(r) > 0) {
        throw new VolumeBusyException("volume " + name + " is in use");
      }
      List<SnapshotRecord> snaps = ctx.catalog.snapshots(r.id());
      if (!snaps.isEmpty() && !withSnapshots) {
        throw new VolumeBusyException(
            "volume " + name + " has " + snaps.size() + " snapshots; delete them too to delete it");
      }
      VolumeEngine e = open.remove(r.id());
      long size = r.size();
      if (e != null) {
        size = e.size();
        e.discard();
      }
      var change = ctx.catalog.change().deleteVolume(name);
      for (SnapshotRecord s : snaps) {
        change.deleteSnapshot(r.id(), s.name());
      }
      change.commit();
      ctx.space.adjust(size, 0);
      Directories.deleteTree(open.journalDir(r.id()));
      LOG.log(Level.INFO, "deleted volume {0} and {1} snapshots", name, snaps.size());
    } finally {
      namespace.unlock();
    }
  }

  SnapshotInfo snapshot(String volume, String snapshot) throws IOException {
    Names.checkSnapshot(snapshot);
    namespace.lock();
    try {
      checkOpen();
      VolumeRecord r = requireVolume(volume);
      requireOwn(r, "snapshot it");
      if (ctx.catalog.snapshot(r.id(), snapshot) != null) {
        throw new VolumeExistsException("snapshot " + volume + "@" + snapshot + " already exists");
      }
      VolumeRecord committed = open.openLocked(r).flushAndGetRecord();
      SnapshotRecord s =
          new SnapshotRecord(
              r.id(),
              snapshot,
              committed.root(),
              committed.size(),
              r.blockSize(),
              ctx.config.clock().millis());
      ctx.catalog.change().put(s).commit();
      return snapshotInfo(volume, s);
    } finally {
      namespace.unlock();
    }
  }

  static SnapshotInfo snapshotInfo(String volume, SnapshotRecord s) {
    return new SnapshotInfo(volume, s.name(), s.size(), Instant.ofEpochMilli(s.createdMillis()));
  }

  void deleteSnapshot(String volume, String snapshot) throws IOException {
    namespace.lock();
    try {
      checkOpen();
      VolumeRecord r = requireVolume(volume);
      requireSnapshot(r, snapshot);
      if (open.views(r.id(), snapshot) > 0) {
        throw new VolumeBusyException("snapshot " + volume + "@" + snapshot + " is in use");
      }
      ctx.catalog.change().deleteSnapshot(r.id(), snapshot).commit();
    } finally {
      namespace.unlock();
    }
  }

  void rollback(String volume, String snapshot) throws IOException {
    namespace.lock();
    try {
      checkOpen();
      VolumeRecord r = requireVolume(volume);
      requireOwn(r, "roll it back");
      SnapshotRecord s = requireSnapshot(r, snapshot);
      open.openLocked(r).rollback(s.root(), s.size());
    } finally {
      namespace.unlock();
    }
  }

  VolumeInfo clone(String volume, String snapshot, String newName) throws IOException {
    Names.check("volume", newName);
    namespace.lock();
    try {
      checkOpen();
      VolumeRecord r = requireVolume(volume);
      SnapshotRecord s = requireSnapshot(r, snapshot);
      if (ctx.catalog.volume(newName) != null) {
        throw new VolumeExistsException("volume " + newName + " already exists");
      }
      VolumeRecord c =
          addVolume(
              s.size(),
              (id, now) ->
                  new VolumeRecord(
                      newName,
                      id,
                      s.size(),
                      s.blockSize(),
                      s.root(),
                      0,
                      0,
                      now,
                      now,
                      r.codec(),
                      r.profile(),
                      volume + "@" + snapshot,
                      r.dedupe(),
                      ""));
      return info.apply(c);
    } finally {
      namespace.unlock();
    }
  }

  /** The row of a new volume, given its id and the time; see {@link #addVolume}. */
  @FunctionalInterface
  private interface NewRow {
    VolumeRecord make(long id, long nowMillis);
  }

  /**
   * Provisions {@code size} bytes, then commits the new volume's row with a fresh id; gives the
   * provisioning back if the commit fails. The caller holds the namespace lock.
   */
  private VolumeRecord addVolume(long size, NewRow row) throws IOException {
    return addVolume(size, row, null);
  }

  /** As above, with a snapshot of the new volume in the same commit ({@code also} non-null). */
  private VolumeRecord addVolume(long size, NewRow row, Function<VolumeRecord, SnapshotRecord> also)
      throws IOException {
    long now = ctx.config.clock().millis();
    ctx.space.provision(0, size);
    try {
      VolumeRecord r = row.make(ctx.catalog.allocateVolumeId(), now);
      var change = ctx.catalog.change().put(r);
      if (also != null) {
        change.put(also.apply(r));
      }
      change.commit();
      return r;
    } catch (IOException | RuntimeException e) {
      ctx.space.adjust(size, 0);
      throw e;
    }
  }
}
