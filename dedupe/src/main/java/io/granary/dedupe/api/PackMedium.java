package io.granary.dedupe.api;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;

/**
 * Where a store's packs live ({@code docs/format.md} §2). Shaped after what an object store can
 * do: a pack is filled in a local <em>spool</em>, where it can be appended to, cut back and
 * fsynced; once {@link #seal sealed} it never changes again, and the medium may move it
 * elsewhere (upload it) and read it back from there. Deleting a sealed pack is the only other
 * change made to it (a collection retired it).
 *
 * <p>Two implementations, chosen by the pool's configuration: the local directory, where the
 * spool is the medium and sealing does nothing, and an object store. Tests wrap either to
 * inject full disks, torn writes and read errors. One contract test suite runs against each.
 *
 * <p>What a caller promises: it seals a pack only after every record in it is durable in the
 * spool and indexed, so a medium never has to scan what it moved; it appends only to packs it
 * created since it opened the medium; it truncates only packs it has not sealed.
 */
public interface PackMedium extends Closeable {

  /** Opens a medium whose spool is the directory {@code spool} (created when absent). */
  @FunctionalInterface
  interface Factory {
    PackMedium open(Path spool) throws IOException;
  }

  /** Pack numbers present, spooled or sealed, ascending. Not for hot paths. */
  List<Integer> list() throws IOException;

  /** Creates a new, empty pack in the spool; fails if it exists. The caller writes the header. */
  Appender create(int packId) throws IOException;

  /** Opens an existing pack, spooled or sealed, for positional reads. */
  Reader openForRead(int packId) throws IOException;

  /** Size of an existing pack in bytes. */
  long size(int packId) throws IOException;

  /** Cuts a spooled pack back to {@code length} (a torn tail found on open). */
  void truncate(int packId, long length) throws IOException;

  /**
   * The pack is complete: every record in it is durable and indexed, and nothing will change
   * it again. Idempotent; a pack sealed before a restart may be sealed again.
   */
  void seal(int packId) throws IOException;

  void delete(int packId) throws IOException;

  /** Makes creations and deletions of spooled packs durable (fsync of the spool directory). */
  void syncSpool() throws IOException;

  /**
   * Whether packs leave this machine (an object store), so that the store publishes checkpoints
   * there too: with them, the medium alone brings a pool back.
   */
  default boolean keepsCheckpoints() {
    return false;
  }

  /**
   * Publishes {@code checkpoint} as the newest, once every pack numbered up to {@code
   * lastSealedPackId} is where the medium keeps sealed packs; waits for that. Only for a medium
   * that {@link #keepsCheckpoints}.
   */
  default void publishCheckpoint(long generation, byte[] checkpoint, int lastSealedPackId)
      throws IOException {
    throw new UnsupportedOperationException("this medium keeps no checkpoints");
  }

  /** The generation of the newest checkpoint the medium holds, 0 if none. */
  default long newestCheckpointGeneration() {
    return 0;
  }

  /** The newest published checkpoint, or null if none was. */
  default byte[] newestCheckpoint() throws IOException {
    return null;
  }

  /**
   * The encoded listing of a sealed pack (its header and every record's header and offset), if
   * the medium keeps one: an index is then rebuilt without reading the pack. Null otherwise.
   */
  default byte[] listing(int packId) throws IOException {
    return null;
  }

  /** Requests, upload backlog and cache, where the medium has them. */
  default MediumStats stats() {
    return MediumStats.NONE;
  }

  /** Stops what the medium does in the background; packs stay where they are. */
  @Override
  default void close() throws IOException {}

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
