package io.granary.appliance.metrics;

import io.granary.snapshots.api.ForwardingVolume;
import io.granary.snapshots.api.Volume;
import java.io.IOException;

/**
 * A volume handle that records its completed I/O in its volume's meter: operations, bytes and
 * service time (from the call to its return; a QoS wait happens before and is not in it).
 * Block status and resize are not recorded. A failed call is not counted.
 */
final class MeteredVolume extends ForwardingVolume {
  private final VolumeMeter meter;

  MeteredVolume(Volume volume, VolumeMeter meter) {
    super(volume);
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
  public boolean tryWrite(long offset, byte[] src, int off, int len) throws IOException {
    long start = System.nanoTime();
    if (!volume.tryWrite(offset, src, off, len)) {
      return false;
    }
    meter.write(len, System.nanoTime() - start);
    return true;
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
}
