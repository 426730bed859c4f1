package io.granary.appliance.admin;

import io.granary.appliance.policy.Service;
import io.granary.appliance.pool.Pool;
import io.granary.appliance.pool.Pools;
import io.granary.appliance.pool.Provisioning;
import io.granary.appliance.replication.ReplicationLags;
import io.granary.appliance.replication.ReplicationTarget;
import io.granary.appliance.replication.Replicator;
import io.granary.appliance.task.Task;
import io.granary.appliance.task.Tasks;
import io.granary.dedupe.api.ChunkId;
import io.granary.snapshots.api.Names;
import io.granary.snapshots.api.NoSuchVolumeException;
import io.granary.snapshots.api.ReceiveReport;
import io.granary.snapshots.api.SnapshotInfo;
import io.granary.snapshots.api.StateRef;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Replication through the admin API ({@code docs/format.md} §6): a snapshot sent as a stream,
 * a stream received into a replica, a sender's question of which chunks a pool holds, a
 * replication to a remote as a task, a replica promoted to a volume of its own, and each
 * volume's replication lag.
 * Sending and receiving need the pool to allow {@code replication}.
 */
final class ReplicationRoutes {
  private static final String VOLUME = "/api/v1/pools/{pool}/volumes/{volume}";

  /** The most ids one question may carry (32 MiB of them). */
  static final int MAX_QUESTION = 1 << 20;

  private final Provisioning provisioning;
  private final Pools pools;
  private final Tasks tasks;
  private final Replicator replicator;
  private final ReplicationLags lags;

  ReplicationRoutes(
      Provisioning provisioning, Tasks tasks, Replicator replicator, ReplicationLags lags) {
    this.provisioning = provisioning;
    this.pools = provisioning.pools();
    this.tasks = tasks;
    this.replicator = replicator;
    this.lags = lags;
  }

  void register(Router r) {
    r.addStream("GET", VOLUME + "/snapshots/{snapshot}/stream", this::send)
        .addStream("POST", VOLUME + "/receive", this::receive)
        .addStream("POST", "/api/v1/pools/{pool}/chunks/have", this::have)
        .add("POST", VOLUME + "/promote", this::promote)
        .add("POST", VOLUME + "/replicate", this::replicate)
        .add("GET", "/api/v1/replication", q -> Reply.ok(lags.all()))
        .add(
            "GET",
            VOLUME + "/replication",
            q -> {
              Pool p = pools.get(q.param("pool"));
              return Reply.ok(lags.of(p, p.volumes().info(q.param("volume"))));
            });
  }

  /**
   * A sender's question: chunk ids (32 bytes each) in, one byte each out, 1 where this pool
   * holds the chunk (a map page with its whole subtree).
   */
  private Reply have(ApiRequest q, InputStream body, Router.AnswerStream answer) throws Exception {
    Pool p = pools.get(q.param("pool"));
    provisioning.require(p, Service.REPLICATION);
    byte[] ids = body.readNBytes(MAX_QUESTION * ChunkId.BYTES + 1);
    if (ids.length % ChunkId.BYTES != 0 || ids.length > MAX_QUESTION * ChunkId.BYTES) {
      throw new ProblemException(
          Problem.INVALID,
          "a question is 1 to "
              + MAX_QUESTION
              + " chunk ids of 32 bytes, not "
              + ids.length
              + " bytes");
    }
    List<ChunkId> asked = new ArrayList<>(ids.length / ChunkId.BYTES);
    ByteBuffer b = ByteBuffer.wrap(ids);
    while (b.hasRemaining()) {
      asked.add(ChunkId.read(b));
    }
    boolean[] have = p.volumes().have(asked);
    byte[] out = new byte[have.length];
    for (int i = 0; i < have.length; i++) {
      out[i] = (byte) (have[i] ? 1 : 0);
    }
    answer.open().write(out); // the handler closes the answer
    return null;
  }

  /** {@code {"to": "REMOTE[:POOL[/NAME]]", "snapshot"?, "force"?}}: a task. */
  private Reply replicate(ApiRequest q) throws Exception {
    Pool p = pools.get(q.param("pool"));
    provisioning.require(p, Service.REPLICATION);
    String volume = q.param("volume");
    p.volumes().info(volume); // a missing volume is an answer, not a task
    String snapshot = q.text("snapshot", null);
    if (snapshot != null) {
      Names.checkSnapshot(snapshot);
    }
    ReplicationTarget to = ReplicationTarget.parse(q.text("to"), volume);
    Task t =
        tasks.start(
            "replicate",
            p.name() + "/" + volume + " to " + to,
            "chunks",
            progress ->
                replicator.replicate(
                    p,
                    volume,
                    snapshot,
                    to,
                    q.has("force") && q.body().get("force").asBoolean(),
                    progress));
    return Reply.accepted(t);
  }

  /** {@code ?from=BASE}: only what changed since that older snapshot of the volume. */
  private Reply send(ApiRequest q, InputStream body, Router.AnswerStream answer) throws Exception {
    Pool p = pools.get(q.param("pool"));
    provisioning.require(p, Service.REPLICATION);
    String volume = q.param("volume");
    String snapshot = q.param("snapshot");
    String from = q.query().get("from");
    // Everything that can be refused is refused before the stream starts.
    Set<String> names = new HashSet<>();
    for (SnapshotInfo s : p.volumes().snapshots(volume)) {
      names.add(s.name());
    }
    for (String s : from == null ? new String[] {snapshot} : new String[] {snapshot, from}) {
      if (!names.contains(s)) {
        throw new NoSuchVolumeException("snapshot " + volume + "@" + s + " does not exist");
      }
    }
    p.volumes().send(new StateRef(volume, snapshot), from, p.name() + "/" + volume, answer.open());
    return null;
  }

  /** {@code ?force}: into a volume of its own that shares the stream's base (fail-back). */
  private Reply receive(ApiRequest q, InputStream body, Router.AnswerStream answer)
      throws Exception {
    Pool p = pools.get(q.param("pool"));
    provisioning.require(p, Service.REPLICATION);
    String volume = Names.check("volume", q.param("volume"));
    ReceiveReport r = p.volumes().receive(volume, body, q.flag("force"));
    return Reply.ok(
        new Views.ReceiveView(
            p.name(),
            r.volume(),
            r.snapshot(),
            r.source(),
            r.chunks(),
            r.payloadBytes(),
            r.streamBytes(),
            r.alreadyReceived()));
  }

  private Reply promote(ApiRequest q) throws Exception {
    Pool p = pools.get(q.param("pool"));
    p.volumes().promote(q.param("volume"));
    return Reply.ok(Views.volume(p, p.volumes().info(q.param("volume"))));
  }
}
