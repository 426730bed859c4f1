package io.granary.nbd.fuzz;

import io.granary.snapshots.api.Extent;
import io.granary.snapshots.api.OutOfRangeException;
import io.granary.snapshots.api.ReadOnlyVolumeException;
import io.granary.snapshots.api.Volume;
import io.granary.snapshots.api.VolumeException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A volume handle over sparse pages in memory that keeps the {@link Volume} contract strictly
 * and reports every call the NBD server should never have made (a range past the end, a write
 * to a snapshot, a resize, any call after close) to its {@link MemoryExports}, besides failing
 * it as a real volume would. The server validates requests before the volume sees them, so any
 * such report is a bug.
 */
final class MemoryVolume implements Volume {
  static final int PAGE = 4096;
  private static final byte[] ZERO_PAGE = new byte[PAGE];

  private final MemoryExports owner;
  private final String name;
  private final long size;
  private final int blockSize;
  private final boolean readOnly;

  /** Page index to page; absent pages read as zeroes. Shared by every handle on the export. */
  private final Map<Long, byte[]> pages;

  private boolean closed;

  MemoryVolume(
      MemoryExports owner,
      String name,
      long size,
      int blockSize,
      boolean readOnly,
      Map<Long, byte[]> pages) {
    this.owner = owner;
    this.name = name;
    this.size = size;
    this.blockSize = blockSize;
    this.readOnly = readOnly;
    this.pages = pages;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public int blockSize() {
    return blockSize;
  }

  @Override
  public boolean readOnly() {
    return readOnly;
  }

  @Override
  public void read(long offset, byte[] dst, int off, int len) throws IOException {
    checkRange("read", offset, len);
    if (off < 0 || len > dst.length - off) {
      throw misuse(
          new OutOfRangeException("read of " + len + " bytes into a buffer of " + dst.length));
    }
    owner.bytesRead(len);
    System.arraycopy(peek(pages, offset, len), 0, dst, off, len);
  }

  /** The bytes of {@code [offset, offset+length)} in {@code pages}. */
  static byte[] peek(Map<Long, byte[]> pages, long offset, int length) {
    byte[] out = new byte[length];
    forEachPiece(
        offset,
        length,
        (page, inPage, at, n) -> {
          byte[] p = pages.get(page);
          if (p != null) {
            System.arraycopy(p, inPage, out, at, n);
          }
        });
    return out;
  }

  /** Whether {@code [offset, offset+length)} in {@code pages} reads as zeroes. */
  static boolean isZero(Map<Long, byte[]> pages, long offset, long length) {
    boolean[] zero = {true};
    forEachPiece(
        offset,
        length,
        (page, inPage, at, n) -> {
          byte[] p = pages.get(page);
          if (p != null && Arrays.mismatch(p, inPage, inPage + n, ZERO_PAGE, 0, n) >= 0) {
            zero[0] = false;
          }
        });
    return zero[0];
  }

  @Override
  public void write(long offset, byte[] src, int off, int len, boolean fua) throws IOException {
    checkWritable("write");
    checkRange("write", offset, len);
    forEachPiece(
        offset,
        len,
        (page, inPage, at, n) ->
            System.arraycopy(
                src, off + at, pages.computeIfAbsent(page, k -> new byte[PAGE]), inPage, n));
  }

  @Override
  public void trim(long offset, long length, boolean fua) throws IOException {
    writeZeroes(offset, length, fua);
  }

  @Override
  public void writeZeroes(long offset, long length, boolean fua) throws IOException {
    checkWritable("zero");
    checkRange("zero", offset, length);
    forEachPiece(
        offset,
        length,
        (page, inPage, at, n) -> {
          byte[] p = pages.get(page);
          if (n == PAGE) {
            pages.remove(page);
          } else if (p != null) {
            Arrays.fill(p, inPage, inPage + n, (byte) 0);
          }
        });
  }

  @Override
  public void flush() throws IOException {
    checkOpen("flush");
  }

  @Override
  public void resize(long newSize) throws IOException {
    throw misuse(new VolumeException(VolumeException.Kind.INVALID, "resize over NBD"));
  }

  /** Page-sized extents, not clipped to the range: the server must clip them itself. */
  @Override
  public List<Extent> blockStatus(long offset, long length) throws IOException {
    checkRange("block status", offset, length);
    List<Extent> out = new ArrayList<>();
    if (length == 0) {
      return out;
    }
    for (long page = offset / PAGE; page <= (offset + length - 1) / PAGE; page++) {
      long start = page * PAGE;
      long end = Math.min(start + PAGE, size);
      out.add(new Extent(start, end - start, pages.containsKey(page)));
    }
    return out;
  }

  @Override
  public void close() throws IOException {
    checkOpen("close");
    closed = true;
    owner.closed();
  }

  private void checkOpen(String what) throws IOException {
    if (closed) {
      throw misuse(
          new VolumeException(VolumeException.Kind.CLOSED, what + " after close of " + name));
    }
  }

  private void checkWritable(String what) throws IOException {
    checkOpen(what);
    if (readOnly) {
      throw misuse(new ReadOnlyVolumeException(what + " on read-only " + name));
    }
  }

  private void checkRange(String what, long offset, long length) throws IOException {
    checkOpen(what);
    if (offset < 0 || length < 0 || length > size - offset) {
      throw misuse(
          new OutOfRangeException(
              what
                  + " at "
                  + offset
                  + "+"
                  + length
                  + " past the end of "
                  + name
                  + " ("
                  + size
                  + ")"));
    }
  }

  private IOException misuse(IOException e) {
    owner.misused(e.getMessage());
    return e;
  }

  /** Visits {@code [offset, offset+length)} page by page; {@code at} counts from {@code offset}. */
  private static void forEachPiece(long offset, long length, PieceVisitor visitor) {
    long at = 0;
    while (at < length) {
      long position = offset + at;
      int inPage = (int) (position % PAGE);
      int n = (int) Math.min(PAGE - inPage, length - at);
      visitor.visit(position / PAGE, inPage, (int) at, n);
      at += n;
    }
  }

  private interface PieceVisitor {
    void visit(long page, int inPage, int at, int n);
  }
}
