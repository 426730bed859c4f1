package io.granary.snapshots.replication;

import io.granary.snapshots.api.InvalidNameException;
import io.granary.snapshots.api.Names;
import io.granary.snapshots.api.StreamRefusedException;
import io.granary.snapshots.api.VolumeBusyException;
import io.granary.snapshots.api.VolumeSpec;
import io.granary.snapshots.catalog.SnapshotRecord;
import io.granary.snapshots.catalog.VolumeRecord;
import java.util.Map;
import java.util.Objects;

/**
 * Whether a volume may take a stream, and how: pure, asked once when the stream begins and
 * again, under the namespace lock, at the switch.
 *
 * <ul>
 *   <li>No volume of that name: the stream makes a new replica.
 *   <li>The volume already holds the stream's snapshot with the same root: nothing to do (a
 *       receive run again); with another root: refused.
 *   <li>A replica of the stream's source: it moves to the stream's snapshot.
 *   <li>A stream incremental from a snapshot the volume holds with the same root, into a
 *       replica of another source, or with {@code force} into a volume of its own (fail-back
 *       onto the old source, whose writes since that snapshot are discarded, as {@code zfs
 *       recv -F} does; refused while it has writers).
 *   <li>Anything else is another volume's stream: refused.
 * </ul>
 */
public final class ReceiveRules {
  public enum Outcome {
    CREATE,
    SWITCH,
    ALREADY_RECEIVED
  }

  private ReceiveRules() {}

  /** The identity a replica records: the source's name and creation time. */
  public static String identity(StreamHeader h) {
    return h.source() + "#" + h.sourceCreated();
  }

  /** The checks on the header alone. */
  public static void checkHeader(StreamHeader h) throws StreamRefusedException {
    try {
      Names.checkSnapshot(h.snapshot());
      if (h.base() != null) {
        Names.checkSnapshot(h.base());
      }
      new VolumeSpec(h.size(), h.blockSize(), h.codec(), "default", h.dedupe());
    } catch (InvalidNameException | IllegalArgumentException e) {
      throw new StreamRefusedException("the stream header is invalid: " + e.getMessage(), e);
    }
    if (h.source().isEmpty() || h.source().length() > 1024) {
      throw new StreamRefusedException("the stream names no source volume");
    }
  }

  /**
   * @param existing the volume of that name, or null
   * @param snapshots its snapshots by name
   * @param writers whether it has handles open that may write
   */
  public static Outcome judge(
      String volume,
      VolumeRecord existing,
      Map<String, SnapshotRecord> snapshots,
      StreamHeader h,
      boolean force,
      boolean writers)
      throws StreamRefusedException, VolumeBusyException {
    checkHeader(h);
    if (existing == null) {
      return Outcome.CREATE;
    }
    SnapshotRecord same = snapshots.get(h.snapshot());
    if (same != null) {
      if (Objects.equals(same.root(), h.root())) {
        return Outcome.ALREADY_RECEIVED;
      }
      throw new StreamRefusedException(
          volume + "@" + h.snapshot() + " exists and holds other data than the stream's");
    }
    if (existing.blockSize() != h.blockSize()) {
      throw new StreamRefusedException(
          volume + " has blocks of " + existing.blockSize() + ", the stream " + h.blockSize());
    }
    if (existing.replicaOf().equals(identity(h))) {
      return Outcome.SWITCH;
    }
    SnapshotRecord base = h.base() == null ? null : snapshots.get(h.base());
    boolean shared = base != null && Objects.equals(base.root(), h.baseRoot());
    if (!shared) {
      throw new StreamRefusedException(
          "the stream is from "
              + h.source()
              + (h.base() == null ? " (a full stream)" : " (incremental from " + h.base() + ")")
              + " but "
              + volume
              + (existing.isReplica()
                  ? " is a replica of " + existing.replicaOf()
                  : " is a volume of its own")
              + (h.base() == null
                  ? ": receive it into a new volume"
                  : " that does not hold " + h.base() + " with the same data"));
    }
    if (!existing.isReplica() && !force) {
      throw new StreamRefusedException(
          volume
              + " is a volume of its own: receiving would discard its writes since "
              + h.base()
              + " (use force to make it a replica of "
              + h.source()
              + ")");
    }
    if (!existing.isReplica() && writers) {
      throw new VolumeBusyException(volume + " is in use: stop its writers before receiving");
    }
    return Outcome.SWITCH;
  }
}
