package io.granary.dedupe.pack;

import io.granary.dedupe.api.PackMedium;
import io.granary.dedupe.api.StoreFullException;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Appends records to the active pack and starts a new pack when it reaches the target size.
 * Not thread-safe: the store serializes appends; {@link #activeAppender()} lets a syncing
 * thread fsync without holding the append lock.
 *
 * <p>Invariants ({@code docs/format.md} §2): a record is written whole or the pack is cut back;
 * a new pack's header is durable, directory entry included, before its first record; a writer
 * never appends to a pack it did not create. A sealed pack is handed to the next commit, which
 * fsyncs it outside the append lock, so appends never wait for a seal's fsync.
 */
public final class PackWriter implements Closeable {
  private final PackMedium storage;
  private final long storeId;
  private final long targetBytes;
  private int nextPackId;
  private WrittenPack active;
  private int activeId;
  private final List<WrittenPack> sealedUnsynced = new ArrayList<>();

  public PackWriter(PackMedium storage, long storeId, long targetBytes, int nextPackId) {
    this.storage = storage;
    this.storeId = storeId;
    this.targetBytes = targetBytes;
    this.nextPackId = nextPackId;
  }

  /** Appends one record and returns where it starts. */
  public PackLocation append(RecordHeader header, byte[] payload, int off, int len)
      throws IOException {
    return append(header.encode(), ByteBuffer.wrap(payload, off, len));
  }

  /** Appends an already encoded record (header buffer and payload buffer). */
  public PackLocation append(ByteBuffer header, ByteBuffer payload) throws IOException {
    long length = header.remaining() + (long) payload.remaining();
    ensureRoom(length);
    long start = active.size();
    try {
      active.append(header, payload);
    } catch (IOException e) {
      abandonTail(start);
      throw StoreFullException.classify(
          "cannot append to pack " + Integer.toHexString(activeId), e);
    }
    return new PackLocation(activeId, start);
  }

  /** Where the next record would start if it fits in the active pack. */
  public PackLocation end() throws IOException {
    return active == null
        ? new PackLocation(nextPackId, 0)
        : new PackLocation(activeId, active.size());
  }

  /**
   * Every pack written since the last call whose data may not be durable yet: the packs sealed
   * meanwhile (the caller fsyncs and closes them) and the active pack (the caller fsyncs it).
   */
  public Unsynced takeUnsynced() {
    List<WrittenPack> sealed = new ArrayList<>(sealedUnsynced);
    sealedUnsynced.clear();
    return new Unsynced(storage, sealed, active);
  }

  /**
   * Packs to fsync: the sealed ones are then closed, the active one (if any) stays open. Once
   * their records are indexed, the sealed ones are sealed in the medium ({@link #seal}).
   */
  public static final class Unsynced {
    private final PackMedium storage;
    private final List<WrittenPack> sealed;
    private final WrittenPack active;

    private Unsynced(PackMedium storage, List<WrittenPack> sealed, WrittenPack active) {
      this.storage = storage;
      this.sealed = sealed;
      this.active = active;
    }

    /**
     * Tells the medium that the sealed packs are complete: called after the index commit that
     * covers their records, never before (the medium may move them where recovery does not
     * scan).
     */
    public void seal() throws IOException {
      for (WrittenPack p : sealed) {
        storage.seal(p.packId());
      }
    }

    /**
     * fsyncs them all; sealed packs are closed even when an fsync fails. The active pack may
     * have been sealed, fsynced and closed by a later commit meanwhile, which counts as synced;
     * found closed any other way (an interrupt), it fails.
     */
    public void force() throws IOException {
      IOException failure = null;
      for (WrittenPack p : sealed) {
        try {
          p.forceAndClose();
        } catch (IOException e) {
          failure = e;
        }
      }
      if (failure != null) {
        throw failure;
      }
      if (active != null) {
        active.force();
      }
    }
  }

  /**
   * Seals the active pack now, whatever its size (a checkpoint: every record written so far
   * must be in a sealed pack); the next append starts a new one. Returns the number of the last
   * pack sealed, 0 if none ever was.
   */
  public int sealActive() {
    if (active != null) {
      seal();
    }
    return nextPackId - 1;
  }

  /** The active pack's number, or -1 before the first append. */
  public int activePackId() {
    return active == null ? -1 : activeId;
  }

  private void ensureRoom(long recordLength) throws IOException {
    if (active != null
        && active.size() > PackHeader.SIZE
        && active.size() + recordLength > targetBytes) {
      seal();
    }
    if (active == null) {
      startPack();
    }
  }

  private void seal() {
    sealedUnsynced.add(active);
    active = null;
  }

  private void startPack() throws IOException {
    int id = nextPackId++;
    WrittenPack a;
    try {
      a = new WrittenPack(storage.create(id), id);
    } catch (IOException e) {
      throw StoreFullException.classify("cannot create pack " + Integer.toHexString(id), e);
    }
    try {
      a.append(new PackHeader(id, storeId).encode());
      a.force();
      storage.syncSpool();
    } catch (IOException e) {
      a.close();
      try {
        storage.delete(id);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw StoreFullException.classify("cannot start pack " + Integer.toHexString(id), e);
    }
    active = a;
    activeId = id;
  }

  /**
   * After a failed append: cut the half record off, or, if even that fails, seal the pack as it
   * is. The next commit fsyncs it (a failure then reaches the caller of sync); the next open
   * cuts its torn tail; new records go to a new pack.
   */
  private void abandonTail(long start) {
    try {
      active.truncate(start);
    } catch (IOException e) {
      seal();
    }
  }

  /** fsyncs and closes every pack still open. */
  @Override
  public void close() throws IOException {
    if (active != null) {
      seal();
    }
    takeUnsynced().force();
  }
}
