package io.granary.appliance.admin;

import io.granary.appliance.policy.Service;
import io.granary.appliance.pool.Pool;
import io.granary.appliance.pool.Pools;
import io.granary.appliance.pool.Provisioning;
import io.granary.snapshots.api.Names;
import io.granary.snapshots.api.NoSuchVolumeException;
import io.granary.snapshots.api.ReceiveReport;
import io.granary.snapshots.api.SnapshotInfo;
import io.granary.snapshots.api.StateRef;
import java.io.InputStream;
import java.util.HashSet;
import java.util.Set;

/**
 * Replication streams through the admin API ({@code docs/format.md} §6): a snapshot sent as a
 * stream, a stream received into a replica, and a replica promoted to a volume of its own.
 * Sending and receiving need the pool to allow {@code replication}.
 */
final class ReplicationRoutes {
  private static final String VOLUME = "/api/v1/pools/{pool}/volumes/{volume}";

  private final Provisioning provisioning;
  private final Pools pools;

  ReplicationRoutes(Provisioning provisioning) {
    this.provisioning = provisioning;
    this.pools = provisioning.pools();
  }

  void register(Router r) {
    r.addStream("GET", VOLUME + "/snapshots/{snapshot}/stream", this::send)
        .addStream("POST", VOLUME + "/receive", this::receive)
        .add("POST", VOLUME + "/promote", this::promote);
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
