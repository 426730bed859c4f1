package io.granary.snapshots.api;

import java.io.Closeable;
import java.io.IOException;
import java.util.List;

/**
 * A handle on a volume or a read-only snapshot view, with byte-exact semantics at any offset
 * and length. Every handle on the same volume shares one underlying volume object, so what
 * one handle writes the others read at once (NBD multi-conn, FUSE and NBD together).
 * Thread-safe. Closing the handle releases it; the volume stays.
 *
 * <p>Durability: a write is durable once {@link #flush()} returns, or when it returns if it
 * was a force-unit-access write. Acknowledged writes never read back wrong after a crash.
 */
public interface Volume extends Closeable {

  /** {@code NAME} for a volume, {@code NAME@SNAPSHOT} for a snapshot view. */
  String name();

  long size();

  int blockSize();

  boolean readOnly();

  /**
   * Reads {@code len} bytes at {@code offset} into {@code dst[off..]}.
   *
   * @throws OutOfRangeException when the range reaches past the end
   */
  void read(long offset, byte[] dst, int off, int len) throws IOException;

  /**
   * Writes {@code src[off, off+len)} at {@code offset}; with {@code fua}, durable on return.
   * The bytes are copied before it returns: the caller may reuse {@code src} at once.
   *
   * @throws ReadOnlyVolumeException on a snapshot view
   * @throws OutOfRangeException when the range reaches past the end
   * @throws VolumeFullException when the pool's capacity is reached; nothing was written
   */
  void write(long offset, byte[] src, int off, int len, boolean fua) throws IOException;

  /**
   * Writes as {@link #write} without FUA, if that needs no waiting: no I/O, no memory to wait
   * for, no lock another thread holds. Returns false, having written nothing, when it would
   * wait (then call {@link #write}); for callers on a thread that must not block, such as an
   * event loop. Errors are those of {@link #write}.
   */
  default boolean tryWrite(long offset, byte[] src, int off, int len) throws IOException {
    return false;
  }

  /**
   * Discards a range: it reads as zeroes afterwards and its blocks are released. Whole blocks
   * pass even in a full pool; a partial block at either end is a write
   * ({@link VolumeFullException}).
   */
  void trim(long offset, long length, boolean fua) throws IOException;

  /** Makes a range read as zeroes (holes: zeroes are never stored); as {@link #trim} for space. */
  void writeZeroes(long offset, long length, boolean fua) throws IOException;

  /** Durability barrier for every write acknowledged before the call. */
  void flush() throws IOException;

  /**
   * Grows (the new range reads as zeroes) or shrinks the volume.
   *
   * @throws OverProvisionedException when growing would take the pool's volumes past its
   *     provisioning limit; shrinking always passes
   */
  void resize(long newSize) throws IOException;

  /** Which parts of {@code [offset, offset+length)} hold data and which read as zeroes. */
  List<Extent> blockStatus(long offset, long length) throws IOException;

  /** Releases this handle. */
  @Override
  void close() throws IOException;
}
