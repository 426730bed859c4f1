package io.granary.snapshots.volume;

import io.granary.dedupe.api.ChunkId;
import io.granary.snapshots.api.Extent;
import io.granary.snapshots.api.ReadOnlyVolumeException;
import io.granary.snapshots.api.Volume;
import io.granary.snapshots.api.VolumeException;
import io.granary.snapshots.catalog.SnapshotRecord;
import io.granary.snapshots.tree.TreeShape;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/** A read-only handle on a snapshot: a fixed root, read straight from the tree. */
final class SnapshotView implements Volume {
  private final VolumeContext ctx;
  private final String name;
  private final SnapshotRecord snapshot;
  private final int depth;
  private final Runnable onClose;
  private final AtomicBoolean closed = new AtomicBoolean();

  SnapshotView(VolumeContext ctx, String fullName, SnapshotRecord snapshot, Runnable onClose) {
    this.ctx = ctx;
    this.name = fullName;
    this.snapshot = snapshot;
    this.depth = TreeShape.depth(TreeShape.blocks(snapshot.size(), snapshot.blockSize()));
    this.onClose = onClose;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public long size() {
    return snapshot.size();
  }

  @Override
  public int blockSize() {
    return snapshot.blockSize();
  }

  @Override
  public boolean readOnly() {
    return true;
  }

  private void checkOpen() throws VolumeException {
    if (closed.get()) {
      throw new VolumeException(
          VolumeException.Kind.CLOSED, "this handle on " + name + " is closed");
    }
  }

  @Override
  public void read(long offset, byte[] dst, int off, int len) throws IOException {
    checkOpen();
    VolumeEngine.checkRange(offset, len, snapshot.size());
    try {
      BlockSpan.split(
          offset,
          len,
          snapshot.blockSize(),
          span -> {
            int at = off + (int) span.bufferOffset();
            ChunkId id = ctx.map.lookup(snapshot.root(), depth, span.block());
            if (id == null) {
              Arrays.fill(dst, at, at + span.length(), (byte) 0);
            } else {
              ctx.readBlock(id, snapshot.blockSize(), span.offsetInBlock(), dst, at, span.length());
            }
          });
    } catch (IOException e) {
      throw StoreErrors.translate(e, "read of snapshot " + name);
    }
  }

  private ReadOnlyVolumeException readOnlyError() {
    return new ReadOnlyVolumeException("snapshot " + name + " is read-only");
  }

  @Override
  public void write(long offset, byte[] src, int off, int len, boolean fua) throws IOException {
    throw readOnlyError();
  }

  @Override
  public void trim(long offset, long length, boolean fua) throws IOException {
    throw readOnlyError();
  }

  @Override
  public void writeZeroes(long offset, long length, boolean fua) throws IOException {
    throw readOnlyError();
  }

  @Override
  public void flush() throws IOException {
    checkOpen(); // nothing is ever buffered for a snapshot
  }

  @Override
  public void resize(long newSize) throws IOException {
    throw readOnlyError();
  }

  @Override
  public List<Extent> blockStatus(long offset, long length) throws IOException {
    checkOpen();
    VolumeEngine.checkRange(offset, length, snapshot.size());
    int bs = snapshot.blockSize();
    AllocationMap alloc = new AllocationMap();
    ctx.map.walk(
        snapshot.root(),
        depth,
        offset / bs,
        TreeShape.blocks(offset + length, bs),
        (f, c, id) -> alloc.put(f, f + c, id != null));
    return alloc.extents(bs, offset, offset + length);
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      onClose.run();
    }
  }
}
