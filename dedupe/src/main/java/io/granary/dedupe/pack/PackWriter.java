package io.granary.dedupe.pack;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Appends records to the active pack and starts a new pack when it reaches the target size.
 * Not thread-safe: the store serializes appends; {@link #activeAppender()} lets a syncing
 * thread fsync without holding the append lock.
 *
 * <p>Invariants ({@code docs/format.md} §2): a record is written whole or the pack is cut back;
 * a new pack's header is durable, directory entry included, before its first record; a sealed
 * pack is fsynced when sealed; a writer never appends to a pack it did not create.
 */
public final class PackWriter implements Closeable {
  private final PackStorage storage;
  private final long storeId;
  private final long targetBytes;
  private int nextPackId;
  private PackStorage.Appender active;
  private int activeId;
  private IOException deferredFailure;

  public PackWriter(PackStorage storage, long storeId, long targetBytes, int nextPackId) {
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
      throw DiskErrors.classify("cannot append to pack " + Integer.toHexString(activeId), e);
    }
    return new PackLocation(activeId, start);
  }

  /** Where the next record would start if it fits in the active pack. */
  public PackLocation end() throws IOException {
    return active == null ? new PackLocation(nextPackId, 0) : new PackLocation(activeId,
        active.size());
  }

  /** The active pack's appender (to fsync it), or {@code null} before the first append. */
  public PackStorage.Appender activeAppender() {
    return active;
  }

  /** The active pack's number, or -1 before the first append. */
  public int activePackId() {
    return active == null ? -1 : activeId;
  }

  private void ensureRoom(long recordLength) throws IOException {
    if (active != null && active.size() > PackHeader.SIZE
        && active.size() + recordLength > targetBytes) {
      seal();
    }
    if (active == null) {
      startPack();
    }
  }

  private void seal() throws IOException {
    PackStorage.Appender a = active;
    active = null;
    try {
      a.force();
    } finally {
      a.close();
    }
  }

  private void startPack() throws IOException {
    int id = nextPackId++;
    PackStorage.Appender a = storage.create(id);
    try {
      a.append(new PackHeader(id, storeId).encode());
      a.force();
      storage.syncDirectory();
    } catch (IOException e) {
      a.close();
      try {
        storage.delete(id);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw DiskErrors.classify("cannot start pack " + Integer.toHexString(id), e);
    }
    active = a;
    activeId = id;
  }

  /**
   * After a failed append: cut the half record off, or give up on the pack if even that fails
   * (the next open cuts the torn tail; new records go to a new pack). A pack given up on may
   * not be durable; the failure is kept for the next {@link #takeDeferredFailure()}.
   */
  private void abandonTail(long start) {
    try {
      active.truncate(start);
    } catch (IOException e) {
      try {
        active.force();
      } catch (IOException f) {
        deferredFailure = f;
      }
      try {
        active.close();
      } catch (IOException ignored) {
        // already failing
      }
      active = null;
    }
  }

  /** A failure to make an abandoned pack durable, reported once at the next sync. */
  public IOException takeDeferredFailure() {
    IOException f = deferredFailure;
    deferredFailure = null;
    return f;
  }

  @Override
  public void close() throws IOException {
    if (active != null) {
      seal();
    }
  }
}
