package io.granary.appliance.qos;

import io.granary.snapshots.api.ForwardingVolume;
import io.granary.snapshots.api.Volume;
import java.io.IOException;

/**
 * A volume handle whose I/O first waits for its volume's QoS budget, on the calling thread:
 * for front ends that run each request on a thread of its own (FUSE). NBD does not use it:
 * its requests wait on the event loop's timer instead ({@code RequestPacer}). Costs as in
 * {@link VolumeThrottle}: read and write one I/O and their length, trim and write-zeroes one
 * I/O, flush, block status and resize nothing.
 */
public final class ThrottledVolume extends ForwardingVolume {
  private final VolumeThrottle throttle;

  public ThrottledVolume(Volume volume, VolumeThrottle throttle) {
    super(volume);
    this.throttle = throttle;
  }

  @Override
  public void read(long offset, byte[] dst, int off, int len) throws IOException {
    throttle.acquire(false, len);
    volume.read(offset, dst, off, len);
  }

  @Override
  public void write(long offset, byte[] src, int off, int len, boolean fua) throws IOException {
    throttle.acquire(true, len);
    volume.write(offset, src, off, len, fua);
  }

  @Override
  public void trim(long offset, long length, boolean fua) throws IOException {
    throttle.acquire(true, 0);
    volume.trim(offset, length, fua);
  }

  @Override
  public void writeZeroes(long offset, long length, boolean fua) throws IOException {
    throttle.acquire(true, 0);
    volume.writeZeroes(offset, length, fua);
  }
}
