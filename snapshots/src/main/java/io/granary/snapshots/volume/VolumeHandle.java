package io.granary.snapshots.volume;

import io.granary.snapshots.api.Extent;
import io.granary.snapshots.api.Volume;
import io.granary.snapshots.api.VolumeException;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/** A read-write handle on a shared {@link VolumeEngine}. */
final class VolumeHandle implements Volume {
  private final VolumeEngine engine;
  private final AtomicBoolean closed = new AtomicBoolean();

  VolumeHandle(VolumeEngine engine) {
    this.engine = engine;
    engine.retain();
  }

  private VolumeEngine engine() throws VolumeException {
    if (closed.get()) {
      throw new VolumeException(
          VolumeException.Kind.CLOSED,
          "this handle on volume " + engine.record().name() + " is closed");
    }
    return engine;
  }

  @Override
  public String name() {
    return engine.record().name();
  }

  @Override
  public long size() {
    return engine.size();
  }

  @Override
  public int blockSize() {
    return engine.blockSize();
  }

  @Override
  public boolean readOnly() {
    return false;
  }

  @Override
  public void read(long offset, byte[] dst, int off, int len) throws IOException {
    engine().read(offset, dst, off, len);
  }

  @Override
  public void write(long offset, byte[] src, int off, int len, boolean fua) throws IOException {
    engine().write(offset, src, off, len, fua);
  }

  @Override
  public boolean tryWrite(long offset, byte[] src, int off, int len) throws IOException {
    return engine().tryWrite(offset, src, off, len);
  }

  @Override
  public void trim(long offset, long length, boolean fua) throws IOException {
    engine().zero(offset, length, fua);
  }

  @Override
  public void writeZeroes(long offset, long length, boolean fua) throws IOException {
    engine().zero(offset, length, fua);
  }

  @Override
  public void flush() throws IOException {
    engine().flush();
  }

  @Override
  public void resize(long newSize) throws IOException {
    engine().resize(newSize);
  }

  @Override
  public List<Extent> blockStatus(long offset, long length) throws IOException {
    return engine().blockStatus(offset, length);
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      engine.release();
    }
  }
}
