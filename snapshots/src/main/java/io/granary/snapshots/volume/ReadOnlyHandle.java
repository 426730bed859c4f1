package io.granary.snapshots.volume;

import io.granary.snapshots.api.ForwardingVolume;
import io.granary.snapshots.api.ReadOnlyVolumeException;
import io.granary.snapshots.api.Volume;

/**
 * A volume of a read-only pool: reads pass, every change is refused, a FLUSH has nothing to do.
 */
final class ReadOnlyHandle extends ForwardingVolume {
  ReadOnlyHandle(Volume volume) {
    super(volume);
  }

  @Override
  public boolean readOnly() {
    return true;
  }

  private ReadOnlyVolumeException refused() {
    return new ReadOnlyVolumeException(
        "volume " + name() + " is in a pool attached read-only: it cannot be written");
  }

  @Override
  public void write(long offset, byte[] src, int off, int len, boolean fua)
      throws ReadOnlyVolumeException {
    throw refused();
  }

  @Override
  public void trim(long offset, long length, boolean fua) throws ReadOnlyVolumeException {
    throw refused();
  }

  @Override
  public void writeZeroes(long offset, long length, boolean fua) throws ReadOnlyVolumeException {
    throw refused();
  }

  @Override
  public void resize(long newSize) throws ReadOnlyVolumeException {
    throw refused();
  }

  @Override
  public void flush() {}
}
