package io.granary.appliance.admin;

import io.granary.appliance.image.RawImages;
import io.granary.appliance.policy.PoolBucket;
import io.granary.appliance.policy.PoolSettings;
import io.granary.appliance.pool.Pool;
import io.granary.appliance.pool.Pools;
import io.granary.appliance.pool.Provisioning;
import io.granary.appliance.task.Task;
import io.granary.appliance.task.Tasks;
import io.granary.dedupe.api.ScrubReport;
import io.granary.snapshots.api.DamagedBlocks;
import io.granary.snapshots.api.JournalReport;
import io.granary.snapshots.api.Names;
import io.granary.snapshots.api.SpaceReport;
import io.granary.snapshots.api.Volume;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Pools, and the pool-wide long operations: imports, scrub, garbage collection. */
final class PoolRoutes {
  private final Provisioning provisioning;
  private final Pools pools;
  private final Tasks tasks;
  private final Path data;

  PoolRoutes(Provisioning provisioning, Tasks tasks, Path data) {
    this.provisioning = provisioning;
    this.pools = provisioning.pools();
    this.tasks = tasks;
    this.data = data;
  }

  void register(Router r) {
    r.add("GET", "/api/v1/pools", this::list)
        .add("POST", "/api/v1/pools", this::create)
        .add("GET", "/api/v1/pools/{pool}", q -> Reply.ok(Views.pool(pools.get(q.param("pool")))))
        .add("PATCH", "/api/v1/pools/{pool}", this::change)
        .add("DELETE", "/api/v1/pools/{pool}", this::delete)
        .add("POST", "/api/v1/pools/{pool}/imports", this::importImage)
        .add("POST", "/api/v1/pools/{pool}/scrub", this::scrub)
        .add("POST", "/api/v1/pools/{pool}/gc", this::gc)
        .add("POST", "/api/v1/pools/{pool}/checkpoint", this::checkpoint);
  }

  private Reply list(ApiRequest q) throws Exception {
    List<Views.PoolView> out = new ArrayList<>();
    for (Pool p : pools.list()) {
      out.add(Views.pool(p));
    }
    return Reply.ok(out);
  }

  private Reply create(ApiRequest q) throws Exception {
    String name = Names.check("pool", q.text("name"));
    // A pool may live anywhere (another disk), but only root may say where.
    Path path =
        data.resolve(q.text("path", null) == null ? Path.of("pools", name) : q.file("path"))
            .toAbsolutePath()
            .normalize();
    if (q.has("attach") && q.body().get("attach").asBoolean()) {
      PoolBucket bucket = PoolBuckets.of(q);
      if (bucket == null) {
        throw new ProblemException(Problem.INVALID, "attaching a pool needs its \"s3\" bucket");
      }
      boolean takeOver = q.has("takeOver") && q.body().get("takeOver").asBoolean();
      if (q.has("readOnly") && q.body().get("readOnly").asBoolean()) {
        if (takeOver) {
          throw new ProblemException(
              Problem.INVALID, "a pool attached read-only takes no lease, so nothing to take over");
        }
        bucket = bucket.asReadOnly();
      }
      PoolBucket attached = bucket;
      Task t =
          tasks.start(
              "attach",
              name,
              "packs",
              progress ->
                  Views.pool(
                      provisioning.attachPool(
                          name,
                          path,
                          attached,
                          takeOver,
                          (phase, done, total) -> progress.set(done, total))));
      return Reply.accepted(t);
    }
    return Reply.created(
        Views.pool(
            provisioning.createPool(
                name, path, PoolChanges.apply(PoolSettings.defaults(), q), PoolBuckets.of(q))));
  }

  private Reply checkpoint(ApiRequest q) throws Exception {
    Pool pool = pools.get(q.param("pool"));
    if (!pool.checkpoint()) {
      throw new ProblemException(
          Problem.INVALID,
          "pool " + pool.name() + " keeps its packs on local disks: it has no checkpoints");
    }
    return Reply.ok(Views.pool(pool));
  }

  private Reply change(ApiRequest q) throws Exception {
    Pool p = pools.get(q.param("pool"));
    return Reply.ok(Views.pool(provisioning.setPool(p.name(), PoolChanges.apply(p.settings(), q))));
  }

  private Reply delete(ApiRequest q) throws Exception {
    boolean dryRun = q.flag("dryRun");
    String name = q.param("pool");
    int volumes = pools.get(name).volumes().list().size();
    provisioning.deletePool(name, q.flag("recursive"), dryRun);
    return dryRun ? Reply.ok(Map.of("pool", name, "volumes", volumes)) : Reply.noContent();
  }

  private Reply importImage(ApiRequest q) throws Exception {
    Pool pool = pools.get(q.param("pool"));
    String name = Names.check("volume", q.text("name"));
    Path source = q.file("source");
    long size = RawImages.sourceSize(source);
    pool.volumes().create(name, VolumeSpecs.of(provisioning, pool, size, q));
    Task t =
        tasks.start(
            "import",
            pool.name() + "/" + name,
            "bytes",
            progress -> {
              try (Volume v = pool.volumes().open(name)) {
                RawImages.importInto(source, v, progress);
              } catch (Exception e) {
                try {
                  pool.volumes().delete(name, true); // leave no half-imported volume behind
                } catch (Exception suppressed) {
                  e.addSuppressed(suppressed);
                }
                throw e;
              }
              return Views.volume(pool, pool.volumes().info(name));
            });
    return Reply.accepted(t);
  }

  private Reply scrub(ApiRequest q) throws Exception {
    Pool pool = pools.get(q.param("pool"));
    Task t =
        tasks.start(
            "scrub",
            pool.name(),
            "chunks",
            progress -> {
              ScrubReport r =
                  pool.chunks().scrub((phase, done, total) -> progress.set(done, total));
              List<Map<String, Object>> damaged = new ArrayList<>();
              r.damaged()
                  .forEach(
                      d ->
                          damaged.add(
                              Map.of(
                                  "chunk",
                                  d.id().toString(),
                                  "pack",
                                  String.format("%08x", d.packId()),
                                  "offset",
                                  d.offset(),
                                  "reason",
                                  d.reason())));
              List<Map<String, Object>> damagedPacks = new ArrayList<>();
              r.damagedPacks()
                  .forEach(
                      d ->
                          damagedPacks.add(
                              Map.of(
                                  "pack",
                                  String.format("%08x", d.packId()),
                                  "reason",
                                  d.reason())));
              // The volume layer's share: which blocks the damaged chunks cost, and journals
              // whose damage keeps their volume closed.
              List<Map<String, Object>> damagedBlocks = new ArrayList<>();
              java.util.Set<io.granary.dedupe.api.ChunkId> ids = new java.util.HashSet<>();
              r.damaged().forEach(d -> ids.add(d.id()));
              for (DamagedBlocks b : pool.volumes().blocksIn(ids)) {
                List<Map<String, Object>> ranges = new ArrayList<>();
                b.ranges()
                    .forEach(e -> ranges.add(Map.of("offset", e.offset(), "length", e.length())));
                damagedBlocks.add(
                    Map.of(
                        "state",
                        pool.name() + "/" + b.state(),
                        "ranges",
                        ranges,
                        "mapUnreadable",
                        b.mapUnreadable()));
              }
              JournalReport j = pool.volumes().checkJournals();
              List<Map<String, Object>> damagedJournals = new ArrayList<>();
              j.damaged()
                  .forEach(
                      d ->
                          damagedJournals.add(
                              Map.of(
                                  "volume",
                                  d.volume(),
                                  "segment",
                                  d.segment(),
                                  "offset",
                                  d.offset(),
                                  "reason",
                                  d.reason())));
              return Map.of(
                  "chunksChecked",
                  r.chunksChecked(),
                  "bytesChecked",
                  r.bytesChecked(),
                  "damaged",
                  damaged,
                  "packsChecked",
                  r.packsChecked(),
                  "damagedPacks",
                  damagedPacks,
                  "damagedBlocks",
                  damagedBlocks,
                  "journalsChecked",
                  j.journalsChecked(),
                  "damagedJournals",
                  damagedJournals);
            });
    return Reply.accepted(t);
  }

  private Reply gc(ApiRequest q) throws Exception {
    Pool pool = pools.get(q.param("pool"));
    if (q.flag("dryRun")) {
      throw new ProblemException(
          Problem.INVALID, "gc has no dry run: it only frees what nothing " + "references");
    }
    Task t =
        tasks.start(
            "gc",
            pool.name(),
            "chunks",
            progress -> {
              SpaceReport r = pool.volumes().collectGarbage();
              return Map.of(
                  "chunksBefore",
                  r.chunksBefore(),
                  "chunksLive",
                  r.chunksLive(),
                  "chunksFreed",
                  r.chunksFreed(),
                  "packsCompacted",
                  r.packsCompacted(),
                  "bytesReclaimed",
                  r.bytesReclaimed(),
                  "seconds",
                  r.elapsed().toMillis() / 1000.0);
            });
    return Reply.accepted(t);
  }
}
