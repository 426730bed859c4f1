package io.granary.appliance.policy;

import io.granary.dedupe.api.CodecSpec;
import io.granary.snapshots.api.Names;
import io.granary.snapshots.api.VolumeSpec;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;

/**
 * A named policy for volumes: QoS limits (0 is no limit) and data services. Immutable and
 * valid by construction; its JSON form is the API's and the state file's.
 *
 * @param iops I/Os per second (reads and writes together)
 * @param bandwidth bytes per second (reads and writes together)
 * @param burst I/Os a volume may run at once after a quiet spell (the IOPS bucket's depth);
 *     0 means one second's worth
 * @param codec {@code none}, {@code lz4} or {@code zstd:LEVEL}
 * @param dedupe whether the volume's blocks may be shared with other volumes of its pool
 * @param blockSize block size of new volumes
 * @param snapshotEverySeconds automatic snapshots this often, 0 for none
 * @param keep automatic snapshots kept by count (the newest)
 * @param keepForSeconds automatic snapshots kept by age (the younger)
 * @param replicateTo {@code REMOTE[:POOL]} each volume replicates to under its own name, or null
 * @param replicateEverySeconds how often a volume replicates (its newest state at most this old
 *     at the remote, plus the time a replication takes)
 * @param replicateKeep replication snapshots ({@code repl-*}) kept on each side, the newest
 */
public record Profile(
    String name,
    long iops,
    long bandwidth,
    long burst,
    String codec,
    boolean dedupe,
    int blockSize,
    long snapshotEverySeconds,
    int keep,
    long keepForSeconds,
    String replicateTo,
    long replicateEverySeconds,
    int replicateKeep) {

  public static final String DEFAULT = "default";

  /** Automatic snapshots are named to the minute, so none can come more often. */
  public static final long MIN_SNAPSHOT_INTERVAL_SECONDS = 60;

  /** A profile that does not replicate. */
  public Profile(
      String name,
      long iops,
      long bandwidth,
      long burst,
      String codec,
      boolean dedupe,
      int blockSize,
      long snapshotEverySeconds,
      int keep,
      long keepForSeconds) {
    this(
        name,
        iops,
        bandwidth,
        burst,
        codec,
        dedupe,
        blockSize,
        snapshotEverySeconds,
        keep,
        keepForSeconds,
        null,
        0,
        0);
  }

  public Profile {
    if (!Names.isValid(name)) {
      throw new IllegalArgumentException(Names.invalid("profile", name));
    }
    if (iops < 0 || bandwidth < 0 || burst < 0) {
      throw new IllegalArgumentException("iops, bandwidth and burst cannot be negative");
    }
    codec = codec == null ? "lz4" : codec;
    try {
      CodecSpec.parse(codec);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "invalid codec '" + codec + "': use none, lz4 or zstd:LEVEL");
    }
    blockSize = blockSize == 0 ? VolumeSpec.DEFAULT_BLOCK_SIZE : blockSize;
    if (Integer.bitCount(blockSize) != 1
        || blockSize < VolumeSpec.MIN_BLOCK_SIZE
        || blockSize > VolumeSpec.MAX_BLOCK_SIZE) {
      throw new IllegalArgumentException("block size must be a power of two from 4K to 1M");
    }
    if (snapshotEverySeconds < 0 || keep < 0 || keepForSeconds < 0) {
      throw new IllegalArgumentException("snapshot interval, keep and keep-for cannot be negative");
    }
    if (snapshotEverySeconds > 0 && snapshotEverySeconds < MIN_SNAPSHOT_INTERVAL_SECONDS) {
      throw new IllegalArgumentException("automatic snapshots can be at most one a minute");
    }
    if (snapshotEverySeconds > 0 && keep == 0 && keepForSeconds == 0) {
      throw new IllegalArgumentException(
          "automatic snapshots need --keep N or --keep-for " + "DURATION (or both)");
    }
    ReplicationSchedule.check(replicateTo, replicateEverySeconds, replicateKeep);
  }

  /** No QoS limit, lz4, dedupe on, the default block size, no automatic snapshots. */
  public static Profile defaults(String name) {
    return new Profile(name, 0, 0, 0, "lz4", true, VolumeSpec.DEFAULT_BLOCK_SIZE, 0, 0, 0);
  }

  /** Null when the profile does not replicate. */
  public ReplicationSchedule replicationSchedule() {
    return replicateTo == null
        ? null
        : ReplicationSchedule.of(replicateTo, replicateEverySeconds, replicateKeep);
  }

  public QosLimits qos() {
    return new QosLimits(iops, bandwidth, burst);
  }

  /** Empty when the profile takes no automatic snapshots. */
  public SnapshotPolicy snapshotPolicy() {
    return snapshotEverySeconds == 0
        ? null
        : new SnapshotPolicy(
            Duration.ofSeconds(snapshotEverySeconds), keep, Duration.ofSeconds(keepForSeconds));
  }

  /** The pool services a volume with this profile uses. */
  public Set<Service> services() {
    Set<Service> s = EnumSet.noneOf(Service.class);
    if (dedupe) {
      s.add(Service.DEDUPE);
    }
    if (!CodecSpec.parse(codec).equals(CodecSpec.NONE)) {
      s.add(Service.COMPRESSION);
    }
    if (snapshotEverySeconds > 0) {
      s.add(Service.SNAPSHOTS);
    }
    if (replicateTo != null) {
      s.add(Service.REPLICATION);
    }
    return s;
  }

  public Profile withName(String newName) {
    return new Profile(
        newName,
        iops,
        bandwidth,
        burst,
        codec,
        dedupe,
        blockSize,
        snapshotEverySeconds,
        keep,
        keepForSeconds,
        replicateTo,
        replicateEverySeconds,
        replicateKeep);
  }
}
