package io.granary.snapshots.api;

import java.io.IOException;
import java.util.List;

/**
 * A volume handle that passes every call to another one: the base of decorators (the
 * appliance's QoS and metrics, test gates), which override only the calls they change. All but
 * {@link #tryWrite}: it answers false (never written without waiting) unless a decorator
 * overrides it, so that one which changes {@link #write} is never bypassed by accident.
 */
public abstract class ForwardingVolume implements Volume {
  protected final Volume volume;

  protected ForwardingVolume(Volume volume) {
    this.volume = volume;
  }

  @Override
  public void read(long offset, byte[] dst, int off, int len) throws IOException {
    volume.read(offset, dst, off, len);
  }

  @Override
  public void write(long offset, byte[] src, int off, int len, boolean fua) throws IOException {
    volume.write(offset, src, off, len, fua);
  }

  @Override
  public void trim(long offset, long length, boolean fua) throws IOException {
    volume.trim(offset, length, fua);
  }

  @Override
  public void writeZeroes(long offset, long length, boolean fua) throws IOException {
    volume.writeZeroes(offset, length, fua);
  }

  @Override
  public void flush() throws IOException {
    volume.flush();
  }

  @Override
  public List<Extent> blockStatus(long offset, long length) throws IOException {
    return volume.blockStatus(offset, length);
  }

  @Override
  public void resize(long newSize) throws IOException {
    volume.resize(newSize);
  }

  @Override
  public String name() {
    return volume.name();
  }

  @Override
  public long size() {
    return volume.size();
  }

  @Override
  public int blockSize() {
    return volume.blockSize();
  }

  @Override
  public boolean readOnly() {
    return volume.readOnly();
  }

  @Override
  public void close() throws IOException {
    volume.close();
  }
}
