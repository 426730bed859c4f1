package io.granary.appliance.admin;

import io.granary.appliance.image.RawImages;
import io.granary.appliance.policy.Service;
import io.granary.appliance.pool.NoSuchPoolException;
import io.granary.appliance.pool.Pool;
import io.granary.appliance.pool.Pools;
import io.granary.appliance.pool.Provisioning;
import io.granary.appliance.task.Task;
import io.granary.appliance.task.Tasks;
import io.granary.snapshots.api.Extent;
import io.granary.snapshots.api.Names;
import io.granary.snapshots.api.NoSuchVolumeException;
import io.granary.snapshots.api.SnapshotInfo;
import io.granary.snapshots.api.StateRef;
import io.granary.snapshots.api.Volume;
import io.granary.snapshots.api.VolumeBusyException;
import io.granary.snapshots.api.VolumeInfo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Volumes and their snapshots, clones, rollbacks, exports and stats. */
final class VolumeRoutes {
  private static final String VOLUME = "/api/v1/pools/{pool}/volumes/{volume}";
  private static final String SNAPSHOT = VOLUME + "/snapshots/{snapshot}";

  private final Provisioning provisioning;
  private final Pools pools;
  private final Tasks tasks;

  VolumeRoutes(Provisioning provisioning, Tasks tasks) {
    this.provisioning = provisioning;
    this.pools = provisioning.pools();
    this.tasks = tasks;
  }

  void register(Router r) {
    r.add("GET", "/api/v1/pools/{pool}/volumes", this::list)
        .add("POST", "/api/v1/pools/{pool}/volumes", this::create)
        .add("GET", VOLUME, q -> Reply.ok(view(q)))
        .add("PATCH", VOLUME, this::change)
        .add("DELETE", VOLUME, this::delete)
        .add(
            "GET",
            VOLUME + "/stats",
            q -> Reply.ok(Views.stats(pool(q), pool(q).volumes().stats(q.param("volume")))))
        .add("POST", VOLUME + "/export", this::export)
        .add("GET", VOLUME + "/snapshots", this::snapshots)
        .add("POST", VOLUME + "/snapshots", this::snapshot)
        .add("DELETE", SNAPSHOT, this::deleteSnapshot)
        .add("POST", SNAPSHOT + "/rollback", this::rollback)
        .add("POST", SNAPSHOT + "/clone", this::cloneSnapshot)
        .add("GET", "/api/v1/pools/{pool}/diff", this::diff);
  }

  /**
   * The byte ranges whose content differs between two states of the pool's volumes ({@code
   * ?from=VOLUME[@SNAP]&to=VOLUME[@SNAP]}) within the size of {@code to}: what {@code
   * qemu:dirty-bitmap:FROM} on the export of {@code to} marks dirty.
   */
  private Reply diff(ApiRequest q) throws Exception {
    Pool p = pool(q);
    StateRef from = StateRef.parse(queryText(q, "from"));
    StateRef to = StateRef.parse(queryText(q, "to"));
    long size = size(p, to);
    List<Extent> changed = p.volumes().diff(from, to, 0, size);
    return Reply.ok(Views.diff(p, from, to, size, changed));
  }

  private static String queryText(ApiRequest q, String name) throws ProblemException {
    String v = q.query().get(name);
    if (v == null || v.isEmpty()) {
      throw new ProblemException(
          Problem.INVALID, "the request needs ?from=VOLUME[@SNAP]&to=VOLUME[@SNAP]");
    }
    return v;
  }

  /** The size of a volume's head or snapshot. */
  private static long size(Pool p, StateRef state) throws Exception {
    if (state.isHead()) {
      return p.volumes().info(state.volume()).size();
    }
    for (SnapshotInfo s : p.volumes().snapshots(state.volume())) {
      if (s.name().equals(state.snapshot())) {
        return s.size();
      }
    }
    throw new NoSuchVolumeException("no snapshot " + state + " in pool " + p.name());
  }

  private Pool pool(ApiRequest q) throws NoSuchPoolException {
    return pools.get(q.param("pool"));
  }

  private Views.VolumeView view(ApiRequest q) throws Exception {
    Pool p = pool(q);
    return Views.volume(p, p.volumes().info(q.param("volume")));
  }

  private Reply list(ApiRequest q) throws Exception {
    Pool p = pool(q);
    List<Views.VolumeView> out = new ArrayList<>();
    for (VolumeInfo v : p.volumes().list()) {
      out.add(Views.volume(p, v));
    }
    return Reply.ok(out);
  }

  private Reply create(ApiRequest q) throws Exception {
    Pool p = pool(q);
    String name = Names.check("volume", q.text("name"));
    if (!q.has("size")) {
      throw new ProblemException(Problem.INVALID, "the request needs a \"size\" in bytes");
    }
    VolumeInfo v =
        p.volumes().create(name, VolumeSpecs.of(provisioning, p, q.number("size", 0), q));
    return Reply.created(Views.volume(p, v));
  }

  private Reply change(ApiRequest q) throws Exception {
    Pool p = pool(q);
    String name = q.param("volume");
    p.volumes().info(name);
    if (q.has("size")) {
      try (Volume v = p.volumes().open(name)) {
        v.resize(q.number("size", 0));
      }
    }
    if (q.has("profile")) {
      provisioning.setVolumeProfile(p, name, q.text("profile"));
    }
    if (q.has("name")) {
      String newName = Names.check("volume", q.text("name"));
      p.volumes().rename(name, newName);
      name = newName;
    }
    return Reply.ok(Views.volume(p, p.volumes().info(name)));
  }

  private Reply delete(ApiRequest q) throws Exception {
    Pool p = pool(q);
    String name = q.param("volume");
    VolumeInfo v = p.volumes().info(name);
    if (q.flag("dryRun")) {
      // The refusals the delete itself would give, without deleting.
      if (v.snapshots() > 0 && !q.flag("recursive")) {
        throw new VolumeBusyException(
            "volume "
                + p.name()
                + "/"
                + name
                + " has "
                + v.snapshots()
                + " snapshots; delete them too with -r");
      }
      if (p.volumes().openHandles(name) > 0) {
        throw new VolumeBusyException("volume " + p.name() + "/" + name + " is in use");
      }
      return Reply.ok(Map.of("volume", p.name() + "/" + name, "snapshots", v.snapshots()));
    }
    p.volumes().delete(name, q.flag("recursive"));
    return Reply.noContent();
  }

  private Reply export(ApiRequest q) throws Exception {
    Pool p = pool(q);
    String name = q.param("volume");
    String snapshot = q.text("snapshot", null);
    Path target = q.file("target");
    if (snapshot == null) {
      p.volumes().info(name);
    } else {
      p.volumes().openSnapshot(name, snapshot).close(); // checks that it exists
    }
    String what = p.name() + "/" + name + (snapshot == null ? "" : "@" + snapshot);
    Task t =
        tasks.start(
            "export",
            what,
            "bytes",
            progress -> {
              try (Volume v =
                  snapshot == null
                      ? p.volumes().open(name)
                      : p.volumes().openSnapshot(name, snapshot)) {
                RawImages.exportTo(v, target, progress);
              }
              return Map.of("target", target.toString());
            });
    return Reply.accepted(t);
  }

  private Reply snapshots(ApiRequest q) throws Exception {
    Pool p = pool(q);
    List<Views.SnapshotView> out = new ArrayList<>();
    for (SnapshotInfo s : p.volumes().snapshots(q.param("volume"))) {
      out.add(Views.snapshot(p, s));
    }
    return Reply.ok(out);
  }

  private Reply snapshot(ApiRequest q) throws Exception {
    Pool p = pool(q);
    provisioning.require(p, Service.SNAPSHOTS);
    SnapshotInfo s = p.volumes().snapshot(q.param("volume"), Names.checkSnapshot(q.text("name")));
    return Reply.created(Views.snapshot(p, s));
  }

  private Reply deleteSnapshot(ApiRequest q) throws Exception {
    Pool p = pool(q);
    String volume = q.param("volume");
    String snap = q.param("snapshot");
    if (q.flag("dryRun")) {
      p.volumes().openSnapshot(volume, snap).close();
      return Reply.ok(Map.of("snapshot", p.name() + "/" + volume + "@" + snap));
    }
    p.volumes().deleteSnapshot(volume, snap);
    return Reply.noContent();
  }

  private Reply rollback(ApiRequest q) throws Exception {
    Pool p = pool(q);
    String volume = q.param("volume");
    String snap = q.param("snapshot");
    p.volumes().openSnapshot(volume, snap).close(); // a missing snapshot is an answer, not a task
    Task t =
        tasks.start(
            "rollback",
            p.name() + "/" + volume + "@" + snap,
            "volumes",
            progress -> {
              p.volumes().rollback(volume, snap);
              return Views.volume(p, p.volumes().info(volume));
            });
    return Reply.accepted(t);
  }

  private Reply cloneSnapshot(ApiRequest q) throws Exception {
    Pool p = pool(q);
    provisioning.require(p, Service.CLONES);
    VolumeInfo c =
        p.volumes()
            .clone(q.param("volume"), q.param("snapshot"), Names.check("volume", q.text("name")));
    return Reply.created(Views.volume(p, c));
  }
}
