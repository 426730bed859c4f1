package io.granary.dedupe.pack;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * The medium that holds pack files: a local directory now, an object store later. Tests wrap
 * it to inject full disks, torn writes and read errors.
 */
public interface PackStorage {

  /** Pack numbers present, ascending. */
  List<Integer> list() throws IOException;

  /** Creates a new, empty pack; fails if it exists. The caller writes the header. */
  Appender create(int packId) throws IOException;

  /** Opens an existing pack for positional reads. */
  Reader openForRead(int packId) throws IOException;

  /** Size of an existing pack in bytes. */
  long size(int packId) throws IOException;

  /** Cuts an existing pack back to {@code length} (a torn tail found on open). */
  void truncate(int packId, long length) throws IOException;

  void delete(int packId) throws IOException;

  /** Makes creations and deletions of packs durable (fsync of the directory). */
  void syncDirectory() throws IOException;

  /** Appends to one pack. Not thread-safe: the pack writer serializes its calls. */
  interface Appender extends Closeable {
    /** Writes every remaining byte of the buffers at the end of the pack. */
    void append(ByteBuffer... buffers) throws IOException;

    long size() throws IOException;

    /** Cuts the pack back to {@code length} (after a failed append). */
    void truncate(long length) throws IOException;

    /** fsync. */
    void force() throws IOException;
  }

  /** Read-only bytes of a pack in memory, valid until closed. */
  final class View implements AutoCloseable {
    private final ByteBuffer bytes;
    private final Runnable release;

    public View(ByteBuffer bytes, Runnable release) {
      this.bytes = bytes;
      this.release = release;
    }

    /** The bytes, position 0: not to be used after {@link #close}. */
    public ByteBuffer bytes() {
      return bytes;
    }

    @Override
    public void close() {
      release.run();
    }
  }

  /** Positional reads of one pack. Thread-safe. */
  interface Reader extends Closeable {
    /** Fills {@code dst} from {@code position}; fewer bytes only at the end of the pack. */
    int read(ByteBuffer dst, long position) throws IOException;

    /**
     * The pack's bytes {@code [position, position+length)} in memory the pack is mapped to, or
     * {@code null} when this reader maps nothing or the range lies past the end (the caller
     * then {@link #read}s). The caller closes the view, on the thread that took it, and soon:
     * the mapping cannot go while a view is open.
     */
    default View view(long position, int length) throws IOException {
      return null;
    }

    long size() throws IOException;
  }
}
