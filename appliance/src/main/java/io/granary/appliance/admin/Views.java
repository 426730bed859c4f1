package io.granary.appliance.admin;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.granary.appliance.policy.PoolBucket;
import io.granary.appliance.policy.PoolSettings;
import io.granary.appliance.policy.Service;
import io.granary.appliance.pool.Pool;
import io.granary.appliance.pool.PoolUsage;
import io.granary.appliance.remote.PeerCheck;
import io.granary.appliance.remote.Remote;
import io.granary.appliance.task.Task;
import io.granary.dedupe.api.MediumStats;
import io.granary.snapshots.api.Extent;
import io.granary.snapshots.api.SnapshotInfo;
import io.granary.snapshots.api.StateRef;
import io.granary.snapshots.api.VolumeInfo;
import io.granary.snapshots.api.VolumeStats;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The JSON shapes of {@code docs/api.md}, built from the domain objects. */
public final class Views {
  private Views() {}

  /**
   * A pool with its settings and space figures. {@code storedBytes} is the physical use the
   * capacity limits; {@code capacityFromFileSystem} when no capacity was set.
   */
  public record PoolView(
      String name,
      String path,
      String profile,
      int volumes,
      long capacityBytes,
      boolean capacityFromFileSystem,
      double overcommit,
      int warnPercent,
      int criticalPercent,
      List<String> services,
      long storedBytes,
      double usedPercent,
      String alert,
      long bufferedBytes,
      long logicalBytes,
      long uniqueBytes,
      long diskBytes,
      long chunks,
      long provisionedBytes,
      long provisionLimitBytes,
      double dedupeRatio,
      double compressionRatio,
      BucketView objectStore) {}

  /**
   * A pool's object store: where, how its credentials are found (never what they are), what a
   * FLUSH waits for ({@code local}: the local disk; uploads follow), the uploads still to do, the
   * read cache and the requests made since the daemon started.
   */
  public record BucketView(
      String url,
      String endpoint,
      String bucket,
      String prefix,
      String region,
      String credentials,
      String durability,
      boolean readOnly,
      long spoolLimitBytes,
      double requestsPerSecond,
      long bandwidthBytes,
      long uploadBacklogBytes,
      int uploadBacklogPacks,
      long uploadFailures,
      String lastUploadFailure,
      long cacheBytes,
      long cacheCapBytes,
      long cacheHits,
      long cacheMisses,
      Map<String, Long> requests,
      long requestErrors,
      long requestRetries,
      long bytesUploaded,
      long bytesDownloaded,
      double throttledSeconds) {}

  public record VolumeView(
      String pool,
      String name,
      long size,
      int blockSize,
      String codec,
      String profile,
      boolean dedupe,
      String origin,
      int snapshots,
      String created,
      String modified,
      int openHandles,
      String replicaOf) {}

  public record SnapshotView(String pool, String volume, String name, long size, String created) {}

  /** What a receive did ({@code alreadyReceived}: the volume held the snapshot; no change). */
  public record ReceiveView(
      String pool,
      String volume,
      String snapshot,
      String source,
      long chunks,
      long payloadBytes,
      long streamBytes,
      boolean alreadyReceived) {}

  /** A byte range. */
  public record RangeView(long offset, long length) {}

  /** What changed between two states, within the size of {@code to}. */
  public record DiffView(
      String pool, String from, String to, long size, long changedBytes, List<RangeView> changed) {}

  public record StatsView(
      String pool,
      String name,
      long size,
      long bytesWritten,
      long allocatedBytes,
      long uniqueBytes,
      long sharedBytes) {}

  /**
   * A remote appliance: where, and the certificate it must present. Its token is never shown.
   *
   * @param bandwidth bytes per second replication to it may use, 0 for no limit
   */
  public record RemoteView(
      String name, String url, String fingerprint, long bandwidth, String created) {}

  /** A remote that answered a test: with its pinned certificate and the token, this fast. */
  public record RemoteTestView(
      boolean reachable, String fingerprint, String peerVersion, long roundTripMillis) {}

  /**
   * A long operation: the task's own fields, and {@code error} (a problem) only when it failed.
   */
  public record TaskView(@JsonUnwrapped Task.Snapshot task, TaskError error) {}

  /** A failed task's problem, as an API answer would carry it. */
  public record TaskError(String type, int status, String detail) {}

  static PoolView pool(Pool p) throws IOException {
    PoolUsage u = p.usage();
    PoolSettings s = p.settings();
    return new PoolView(
        p.name(),
        p.path().toString(),
        s.profile(),
        p.volumes().list().size(),
        u.capacity(),
        s.capacity() == 0,
        s.overcommit(),
        s.warnPercent(),
        s.criticalPercent(),
        Service.labels(s.services()),
        u.used(),
        round(100 * u.usedRatio()),
        u.alert().label(),
        u.buffered(),
        u.logical(),
        u.unique(),
        u.diskBytes(),
        u.chunks(),
        u.provisioned(),
        u.provisionLimit(),
        round(u.dedupeRatio()),
        round(u.compressionRatio()),
        bucket(p));
  }

  private static BucketView bucket(Pool p) {
    PoolBucket b = p.bucket();
    if (b == null) {
      return null;
    }
    MediumStats m = p.chunks().mediumStats();
    Map<String, Long> requests = new LinkedHashMap<>();
    requests.put("put", m.requests().put());
    requests.put("get", m.requests().get());
    requests.put("head", m.requests().head());
    requests.put("delete", m.requests().delete());
    requests.put("list", m.requests().list());
    return new BucketView(
        b.describe(),
        b.endpoint(),
        b.bucket(),
        b.prefix(),
        b.region(),
        b.credentialsFile() == null ? "environment" : "file " + b.credentialsFile(),
        b.durability(),
        b.readOnly(),
        b.spoolBytes(),
        b.requestsPerSecond(),
        b.bandwidthBytes(),
        m.uploadBacklogBytes(),
        m.uploadBacklogPacks(),
        m.uploadFailures(),
        m.lastUploadFailure(),
        m.cacheBytes(),
        m.cacheCapBytes(),
        m.cacheHits(),
        m.cacheMisses(),
        requests,
        m.requestErrors(),
        m.requestRetries(),
        m.bytesUploaded(),
        m.bytesDownloaded(),
        m.throttledNanos() / 1e9);
  }

  static VolumeView volume(Pool p, VolumeInfo v) throws IOException {
    return new VolumeView(
        p.name(),
        v.name(),
        v.size(),
        v.blockSize(),
        v.codec(),
        v.profile(),
        v.dedupe(),
        v.origin(),
        v.snapshots(),
        v.created().toString(),
        v.modified().toString(),
        p.volumes().openHandles(v.name()),
        v.replicaOf());
  }

  static SnapshotView snapshot(Pool p, SnapshotInfo s) {
    return new SnapshotView(p.name(), s.volume(), s.name(), s.size(), s.created().toString());
  }

  static DiffView diff(Pool p, StateRef from, StateRef to, long size, List<Extent> changed) {
    List<RangeView> ranges = new ArrayList<>();
    long bytes = 0;
    for (Extent e : changed) {
      ranges.add(new RangeView(e.offset(), e.length()));
      bytes += e.length();
    }
    return new DiffView(p.name(), from.toString(), to.toString(), size, bytes, ranges);
  }

  static StatsView stats(Pool p, VolumeStats s) {
    return new StatsView(
        p.name(),
        s.name(),
        s.size(),
        s.bytesWritten(),
        s.allocatedBytes(),
        s.uniqueBytes(),
        s.sharedBytes());
  }

  static RemoteView remote(Remote r) {
    return new RemoteView(
        r.name(),
        r.url().toString(),
        r.fingerprint().toString(),
        r.bandwidthLimit(),
        r.created().toString());
  }

  static RemoteTestView remoteTest(PeerCheck.Status s) {
    return new RemoteTestView(
        true, s.fingerprint().toString(), s.peerVersion(), s.roundTripMillis());
  }

  static TaskView task(Task.Snapshot t) {
    if (t.failure() == null) {
      return new TaskView(t, null);
    }
    Problem kind = Problem.of(t.failure());
    return new TaskView(t, new TaskError(kind.type(), kind.status(), Problem.detail(t.failure())));
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}
