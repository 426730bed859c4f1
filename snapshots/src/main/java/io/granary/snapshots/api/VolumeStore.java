package io.granary.snapshots.api;

import io.granary.dedupe.api.ChunkId;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Set;

/**
 * The volumes of one pool, with their snapshots and clones, over the pool's chunk store.
 * Volumes open lazily; thousands per pool are normal. Thread-safe.
 */
public interface VolumeStore extends Closeable {

  /** @throws OverProvisionedException past the pool's provisioning limit */
  VolumeInfo create(String name, VolumeSpec spec) throws IOException;

  /** A read-write handle on the volume; close it when done. */
  Volume open(String name) throws IOException;

  /** A read-only handle on a snapshot; close it when done. */
  Volume openSnapshot(String volume, String snapshot) throws IOException;

  List<VolumeInfo> list() throws IOException;

  VolumeInfo info(String name) throws IOException;

  /**
   * Sets a volume's data services: the codec of its chunks ({@code none}, {@code lz4},
   * {@code zstd:LEVEL}), whether its blocks are deduplicated with other volumes', and the name
   * of its profile. One catalog change; an open volume uses them from its next flush on,
   * without being reopened. Blocks stored before keep their codec and chunks.
   *
   * @throws VolumeException of kind {@code INVALID} for a codec or profile name it cannot take
   */
  void setServices(String volume, String codec, boolean dedupe, String profile) throws IOException;

  /** Renames a volume; its snapshots follow it. Refused while the volume is open. */
  void rename(String name, String newName) throws IOException;

  /**
   * Deletes a volume. Refused while it is open, and while it has snapshots unless
   * {@code withSnapshots}. Clones made from its snapshots stay intact.
   */
  void delete(String name, boolean withSnapshots) throws IOException;

  /** How many handles are open on the volume or its snapshots. */
  int openHandles(String name) throws IOException;

  /** Records the volume's current state under {@code snapshot}: O(1) in the volume's size. */
  SnapshotInfo snapshot(String volume, String snapshot) throws IOException;

  List<SnapshotInfo> snapshots(String volume) throws IOException;

  void deleteSnapshot(String volume, String snapshot) throws IOException;

  /** Sets the volume back to a snapshot; writes made after it are discarded. */
  void rollback(String volume, String snapshot) throws IOException;

  /**
   * A new writable volume whose initial state is the snapshot.
   *
   * @throws OverProvisionedException past the pool's provisioning limit
   */
  VolumeInfo clone(String volume, String snapshot, String newName) throws IOException;

  /**
   * The byte ranges that differ between two states of volumes, in offset order: the blocks
   * whose content differs (a block rewritten with the same bytes, or a hole trimmed again, does
   * not). A volume's head is flushed and committed first.
   */
  default List<Extent> diff(StateRef from, StateRef to) throws IOException {
    return diff(from, to, 0, Long.MAX_VALUE);
  }

  /**
   * As {@link #diff(StateRef, StateRef)} within {@code [offset, offset+length)}, clipped to it;
   * reads only the map pages over that range.
   */
  List<Extent> diff(StateRef from, StateRef to, long offset, long length) throws IOException;

  VolumeStats stats(String name) throws IOException;

  /**
   * Writes a replication stream of a snapshot ({@code docs/format.md} §6): whole, or with only
   * what differs from {@code base}, an older snapshot of the same volume (null for whole).
   * {@code source} names the volume for the receiver ({@code POOL/VOLUME}).
   */
  SendReport send(StateRef snapshot, String base, String source, OutputStream out)
      throws IOException;

  /**
   * Reads a replication stream into {@code volume}: a new read-only replica, or the replica (or,
   * with {@code force}, the volume that shares the stream's base) moved to the stream's
   * snapshot, in one atomic switch once every chunk and the whole tree are proven. A stream run
   * again is a no-op.
   *
   * @throws StreamRefusedException for a damaged, truncated or forged stream, or one for
   *     another volume; no volume changed
   */
  ReceiveReport receive(String volume, InputStream in, boolean force) throws IOException;

  /**
   * Plans the stream of a snapshot for a receiver that may hold much of it already: asks it,
   * level by level, which nodes it holds ({@code receiver}), and keeps the rest to send.
   * {@code base} (null for none) is an older snapshot the receiver's volume should hold, which
   * lets a volume of another source take the stream (fail-back).
   */
  SendPlan planSend(StateRef snapshot, String base, String source, ChunkOracle receiver)
      throws IOException;

  /**
   * A receiver's answer to {@link ChunkOracle#have}: which ids this pool holds, a map page
   * only with its whole subtree.
   */
  boolean[] have(List<ChunkId> ids) throws IOException;

  /** Makes a replica writable, a volume of its own (a fail-over). */
  void promote(String volume) throws IOException;

  /**
   * Every volume and snapshot with blocks in one of {@code chunks} (a scrub's damaged chunks),
   * with those blocks' byte ranges, as committed (blocks only in memory or the journal are not
   * in a chunk yet). Walks every state's block map: as long as a scrub's pass over the maps.
   */
  List<DamagedBlocks> blocksIn(Set<ChunkId> chunks) throws IOException;

  /** Writes every volume's buffered changes into the chunk store and commits them. */
  void flushAll() throws IOException;

  /**
   * From now on a FLUSH or FUA commits the volume's tree and returns once {@code publisher}
   * has published it (a pool whose durability is remote); {@code null} goes back to journaling
   * on this machine.
   */
  void publishFlushes(FlushPublisher publisher);

  /**
   * Whether every change is refused ({@link ReadOnlyVolumeException}): a pool attached
   * read-only, whose volumes open read-only.
   */
  default boolean readOnly() {
    return false;
  }

  /**
   * Frees the chunks no volume, snapshot or buffered write references any more, and compacts
   * packs. Runs while volumes are in use.
   */
  SpaceReport collectGarbage() throws IOException;

  /**
   * Reads every volume's journal, changing nothing, and reports the damage that keeps a volume
   * from opening (a scrub's share of the volume layer). Runs while volumes are in use.
   */
  JournalReport checkJournals() throws IOException;

  /**
   * Sets the pool's space limits, live: the next write, create, clone or resize obeys them.
   * Lowering them below what is used refuses new growth; nothing stored is touched.
   */
  void setLimits(SpaceLimits limits);

  SpaceLimits limits();

  /** What the pool uses now; cheap (no tree walk), for every metrics scrape. */
  SpaceUsage usage() throws IOException;

  /** Flushes every volume and closes the store; open handles become unusable. */
  @Override
  void close() throws IOException;
}
