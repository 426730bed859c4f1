package io.granary.snapshots.bench;

import io.granary.snapshots.api.Extent;
import io.granary.snapshots.api.Volume;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Arrays;
import java.util.List;

/** A plain file behind the volume interface: the baseline of the side-by-side rows. */
final class RawFileVolume implements Volume {
  private final FileChannel file;
  private final long size;

  RawFileVolume(FileChannel file, long size) {
    this.file = file;
    this.size = size;
  }

  @Override
  public String name() {
    return "raw";
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public int blockSize() {
    return 4096;
  }

  @Override
  public boolean readOnly() {
    return false;
  }

  @Override
  public void read(long offset, byte[] dst, int off, int len) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(dst, off, len);
    while (b.hasRemaining()) {
      if (file.read(b, offset + (b.position() - off)) < 0) {
        Arrays.fill(dst, b.position(), off + len, (byte) 0);
        return;
      }
    }
  }

  @Override
  public void write(long offset, byte[] src, int off, int len, boolean fua) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(src, off, len);
    while (b.hasRemaining()) {
      file.write(b, offset + (b.position() - off));
    }
    if (fua) {
      file.force(false);
    }
  }

  @Override
  public void trim(long offset, long length, boolean fua) {
    throw new UnsupportedOperationException();
  }

  @Override
  public void writeZeroes(long offset, long length, boolean fua) {
    throw new UnsupportedOperationException();
  }

  @Override
  public void flush() throws IOException {
    file.force(false);
  }

  @Override
  public void resize(long newSize) {
    throw new UnsupportedOperationException();
  }

  @Override
  public List<Extent> blockStatus(long offset, long length) {
    return List.of(new Extent(offset, length, true));
  }

  @Override
  public void close() {}
}
