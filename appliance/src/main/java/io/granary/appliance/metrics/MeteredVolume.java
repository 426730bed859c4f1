package io.granary.appliance.metrics;

import io.granary.snapshots.api.Extent;
import io.granary.snapshots.api.Volume;
import java.io.IOException;
import java.util.List;

/**
 * A volume handle that records its completed I/O in its volume's meter: operations, bytes and
 * service time (from the call to its return; a QoS wait happens before and is not in it).
 * Block status and resize are not recorded. A failed call is not counted.
 */
final class MeteredVolume implements Volume {
  private final Volume volume;
  private final VolumeMeter meter;

  MeteredVolume(Volume volume, VolumeMeter meter) {
    this.volume = volume;
    this.meter = meter;
  }

  @Override
  public void read(long offset, byte[] dst, int off, int len) throws IOException {
    long start = System.nanoTime();
    volume.read(offset, dst, off, len);
    meter.read(len, System.nanoTime() - start);
  }

  @Override
  public void write(long offset, byte[] src, int off, int len, boolean fua) throws IOException {
    long start = System.nanoTime();
    volume.write(offset, src, off, len, fua);
    meter.write(len, System.nanoTime() - start);
  }

  @Override
  public void trim(long offset, long length, boolean fua) throws IOException {
    long start = System.nanoTime();
    volume.trim(offset, length, fua);
    meter.trim(System.nanoTime() - start);
  }

  @Override
  public void writeZeroes(long offset, long length, boolean fua) throws IOException {
    long start = System.nanoTime();
    volume.writeZeroes(offset, length, fua);
    meter.zero(System.nanoTime() - start);
  }

  @Override
  public void flush() throws IOException {
    long start = System.nanoTime();
    volume.flush();
    meter.flush(System.nanoTime() - start);
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
