package io.granary.appliance.replication;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.granary.appliance.pool.Pool;
import io.granary.appliance.remote.RemoteClient;
import io.granary.appliance.remote.RemoteException;
import io.granary.appliance.remote.Remotes;
import io.granary.appliance.task.Task;
import io.granary.snapshots.api.NoSuchVolumeException;
import io.granary.snapshots.api.SendPlan;
import io.granary.snapshots.api.SendReport;
import io.granary.snapshots.api.SnapshotInfo;
import io.granary.snapshots.api.StateRef;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Clock;
import java.time.Duration;
import java.time.format.DateTimeFormatter;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Replicates one snapshot of a volume to a remote appliance, as a task: asks the remote's pool
 * level by level which chunks it holds, streams the rest (as stored, paced to the remote's
 * bandwidth limit) into the remote's receive, which proves everything and switches at once.
 * A cut link, a peer restarted or a stream found incomplete is retried from the question,
 * which finds what already arrived: no resume token, and nothing sent twice but what was in
 * flight. Refusals (another volume's replica, a pool without replication, a bad token) end the
 * task at once.
 */
public final class Replicator {
  private static final System.Logger LOG = System.getLogger(Replicator.class.getName());
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Snapshots a replication takes are named {@code repl-} and the second, which sorts them by
   * time; only those are ever pruned by a schedule.
   */
  public static final String SNAPSHOT_PREFIX = "repl-";

  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(java.time.ZoneOffset.UTC);

  /** Attempts before a task gives up on a link that keeps failing. */
  static final int ATTEMPTS = 60;

  /** Questions in flight at once. */
  static final int IN_FLIGHT = 4;

  private final Remotes remotes;
  private final ReplicationHistory history;
  private final Clock clock;

  public Replicator(Remotes remotes, ReplicationHistory history, Clock clock) {
    this.remotes = remotes;
    this.history = history;
    this.clock = clock;
  }

  public Remotes remotes() {
    return remotes;
  }

  public ReplicationHistory history() {
    return history;
  }

  /** What a replication did. */
  public record Result(
      String volume,
      String snapshot,
      String to,
      long chunks,
      long streamBytes,
      long payloadBytes,
      int rounds,
      int attempts,
      boolean alreadyReceived,
      double seconds) {}

  /**
   * Sends {@code snapshot} of {@code volume} (null: a new snapshot {@code repl-TIME} taken now)
   * to {@code to}; with {@code force}, into a volume of its own there that holds an older
   * snapshot of this one (fail-back: its writes since are discarded).
   */
  public Result replicate(
      Pool pool,
      String volume,
      String snapshot,
      ReplicationTarget to,
      boolean force,
      Task.Progress progress)
      throws Exception {
    Result r;
    SnapshotInfo snap;
    try {
      snap =
          snapshot != null
              ? find(pool, volume, snapshot)
              : pool.volumes().snapshot(volume, SNAPSHOT_PREFIX + STAMP.format(clock.instant()));
      r = send(pool, volume, snap.name(), to, force, progress);
    } catch (Exception | Error e) {
      record(() -> history.failed(pool.name(), volume, to.toString(), message(e), clock.instant()));
      throw e;
    }
    record(
        () ->
            history.succeeded(
                pool.name(), volume, to.toString(), snap.name(), snap.created(), clock.instant()));
    return r;
  }

  /** A history that cannot be written makes lags look larger; it does not fail the task. */
  private static void record(HistoryChange change) {
    try {
      change.run();
    } catch (IOException e) {
      LOG.log(Level.WARNING, "the replication history cannot be saved: {0}", e.getMessage());
    }
  }

  private interface HistoryChange {
    void run() throws IOException;
  }

  private static String message(Throwable e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  private static SnapshotInfo find(Pool pool, String volume, String snapshot) throws IOException {
    for (SnapshotInfo s : pool.volumes().snapshots(volume)) {
      if (s.name().equals(snapshot)) {
        return s;
      }
    }
    throw new NoSuchVolumeException(
        "snapshot " + pool.name() + "/" + volume + "@" + snapshot + " does not exist");
  }

  private Result send(
      Pool pool,
      String volume,
      String snap,
      ReplicationTarget to,
      boolean force,
      Task.Progress progress)
      throws Exception {
    RemoteClient client = remotes.client(to.remote());
    long start = System.nanoTime();
    ExecutorService threads = Executors.newFixedThreadPool(IN_FLIGHT + 1, daemon());
    long lastPlanned = Long.MAX_VALUE;
    int stuck = 0; // failures in a row that made no progress: what the back-off grows with
    try {
      for (int attempt = 1; ; attempt++) {
        try {
          String base = sharedBase(pool, volume, snap, client, to);
          RemoteOracle oracle = new RemoteOracle(client, to.pool(), threads);
          SendPlan plan =
              pool.volumes()
                  .planSend(new StateRef(volume, snap), base, pool.name() + "/" + volume, oracle);
          progress.set(0, plan.chunks());
          stuck = plan.chunks() < lastPlanned ? 0 : stuck + 1;
          lastPlanned = plan.chunks();
          Sent sent = upload(client, to, force, plan, threads, progress);
          return new Result(
              pool.name() + "/" + volume,
              snap,
              to.toString(),
              sent.report.chunks(),
              sent.report.streamBytes(),
              sent.answer.path("payloadBytes").asLong(),
              plan.rounds(),
              attempt,
              sent.answer.path("alreadyReceived").asBoolean(),
              (System.nanoTime() - start) / 1e9);
        } catch (IOException e) {
          if (!retriable(e) || attempt >= ATTEMPTS) {
            throw e;
          }
          long wait = Math.min(30_000, 250L << Math.min(stuck, 7));
          LOG.log(
              Level.INFO,
              "replication of {0}/{1}@{2} to {3}: attempt {4} failed ({5}); again in {6} ms",
              pool.name(),
              volume,
              snap,
              to,
              attempt,
              e.getMessage(),
              wait);
          Thread.sleep(wait);
        }
      }
    } finally {
      threads.shutdownNow();
    }
  }

  private record Sent(SendReport report, JsonNode answer) {}

  /** Streams the plan into the remote's receive; the stream is written by another thread. */
  private Sent upload(
      RemoteClient client,
      ReplicationTarget to,
      boolean force,
      SendPlan plan,
      ExecutorService threads,
      Task.Progress progress)
      throws IOException, InterruptedException {
    BoundedPipe pipe = new BoundedPipe(16);
    long limit = client.remote().bandwidthLimit();
    Future<SendReport> writer =
        threads.submit(
            () -> {
              try (OutputStream out = new PacedOutputStream(pipe.out, limit)) {
                return plan.writeTo(out, n -> progress.set(n, plan.chunks()));
              }
            });
    try {
      byte[] answer =
          client
              .send(
                  "POST",
                  to.volumePath() + "/receive" + (force ? "?force" : ""),
                  BodyPublishers.ofInputStream(() -> pipe.in),
                  BodyHandlers.ofByteArray(),
                  Duration.ofDays(1))
              .body();
      SendReport report;
      try {
        report = writer.get();
      } catch (java.util.concurrent.ExecutionException e) {
        throw new IOException("writing the stream failed: " + e.getCause(), e.getCause());
      }
      return new Sent(report, JSON.readTree(answer));
    } finally {
      pipe.in.close(); // a writer still waiting on the pipe fails instead of waiting forever
      writer.cancel(true);
    }
  }

  /**
   * The newest of this volume's snapshots older than {@code snapshot} that the remote's volume
   * holds by name (its receive checks the data is the same), or null.
   */
  private static String sharedBase(
      Pool pool, String volume, String snapshot, RemoteClient client, ReplicationTarget to)
      throws IOException, InterruptedException {
    Optional<List<String>> listed = new RemoteVolume(client, to).snapshots();
    if (listed.isEmpty()) {
      return null; // no volume there yet
    }
    Set<String> theirs = new HashSet<>(listed.get());
    String base = null;
    for (SnapshotInfo s : pool.volumes().snapshots(volume)) {
      if (s.name().equals(snapshot)) {
        break;
      }
      if (theirs.contains(s.name())) {
        base = s.name();
      }
    }
    return base;
  }

  /**
   * Whether asking again may help: no answer (a cut link, a peer restarting), or a stream the
   * receiver found cut short or incomplete (a collection raced it). Refusals are final.
   */
  static boolean retriable(IOException e) {
    if (e instanceof RemoteException r) {
      if (r.kind() == RemoteException.Kind.UNREACHABLE) {
        return true;
      }
      String m = String.valueOf(r.getMessage());
      return r.status() == 422 && (m.contains("truncated") || m.contains("incomplete"));
    }
    return true; // our side of the pipe, a reset connection
  }

  private static java.util.concurrent.ThreadFactory daemon() {
    return r -> {
      Thread t = new Thread(r, "granary-replication");
      t.setDaemon(true);
      return t;
    };
  }
}
