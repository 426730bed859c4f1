package io.granary.appliance.admin;

import io.granary.appliance.config.ApplianceConfig;
import io.granary.appliance.pool.Pool;
import io.granary.appliance.pool.Pools;
import io.granary.appliance.replication.ReplicationLags;
import io.granary.appliance.task.Task;
import io.granary.appliance.task.Tasks;
import io.granary.dedupe.api.MediumStats;
import io.granary.fuse.api.FuseMount;
import io.granary.nbd.api.NbdServer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Status and tasks. */
final class MiscRoutes {
  private final Pools pools;
  private final Tasks tasks;
  private final ReplicationLags lags;
  private final ApplianceConfig config;
  private final NbdServer nbd;
  private final FuseMount fuse;
  private final String version;

  MiscRoutes(
      Pools pools,
      Tasks tasks,
      ReplicationLags lags,
      ApplianceConfig config,
      NbdServer nbd,
      FuseMount fuse,
      String version) {
    this.pools = pools;
    this.nbd = nbd;
    this.fuse = fuse;
    this.tasks = tasks;
    this.lags = lags;
    this.config = config;
    this.version = version;
  }

  void register(Router r) {
    r.add("GET", "/api/v1/status", this::status)
        .add(
            "GET",
            "/api/v1/tasks",
            q -> {
              List<Views.TaskView> out = new ArrayList<>();
              tasks.list().forEach(t -> out.add(Views.task(t.snapshot())));
              return Reply.ok(out);
            })
        .add("GET", "/api/v1/tasks/{task}", this::task);
  }

  private Reply status(ApiRequest q) throws Exception {
    int volumes = 0;
    for (Pool p : pools.list()) {
      volumes += p.volumes().list().size();
    }
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("version", version);
    s.put("dataDirectory", config.data().toString());
    Map<String, Object> mount = new LinkedHashMap<>();
    mount.put("path", config.mount() == null ? null : config.mount().toString());
    mount.put("mounted", fuse != null);
    s.put("nbd", nbdStatus());
    s.put("mount", mount);
    s.put("pools", pools.list().size());
    s.put("volumes", volumes);
    s.put("tasksRunning", tasks.running());
    s.put("objectStores", objectStores());
    s.put("replication", replication());
    return Reply.ok(s);
  }

  /**
   * The volumes that replicate (on schedule or ever did), how many are late (behind by more
   * than two intervals) or failing, and the one furthest behind.
   */
  private Map<String, Object> replication() throws IOException {
    List<ReplicationLags.Lag> all = lags.all();
    ReplicationLags.Lag worst = null;
    int late = 0;
    int failing = 0;
    for (ReplicationLags.Lag l : all) {
      late += l.late() ? 1 : 0;
      failing += l.failures() > 0 ? 1 : 0;
      if (l.lagSeconds() != null && (worst == null || l.lagSeconds() > worst.lagSeconds())) {
        worst = l;
      }
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("volumes", all.size());
    m.put("late", late);
    m.put("failing", failing);
    m.put("worst", worst);
    return m;
  }

  /** The pools on an object store, and whether their uploads keep up: "ok", "uploading", or why not. */
  private List<Map<String, Object>> objectStores() {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Pool p : pools.list()) {
      if (p.bucket() == null) {
        continue;
      }
      MediumStats m = p.chunks().mediumStats();
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("pool", p.name());
      o.put("url", p.bucket().describe());
      o.put(
          "state",
          m.lastUploadFailure() != null
              ? "failing"
              : m.uploadBacklogBytes() > 0 ? "uploading" : "ok");
      o.put("reason", m.lastUploadFailure());
      o.put("uploadBacklogBytes", m.uploadBacklogBytes());
      o.put("uploadBacklogPacks", m.uploadBacklogPacks());
      out.add(o);
    }
    return out;
  }

  private Map<String, Object> nbdStatus() {
    Map<String, Object> m = new LinkedHashMap<>();
    ApplianceConfig.Nbd c = config.nbd();
    m.put("listen", c == null ? null : c.listen());
    m.put("socket", c == null || c.socket() == null ? null : c.socket().toString());
    m.put("tls", c == null ? null : c.tls().mode().name().toLowerCase(Locale.ROOT));
    m.put("serving", nbd != null);
    m.put(
        "addresses",
        nbd == null ? List.of() : nbd.addresses().stream().map(Object::toString).toList());
    m.put("connections", nbd == null ? 0 : nbd.connections());
    return m;
  }

  private Reply task(ApiRequest q) throws Exception {
    Task t = tasks.get(q.param("task"));
    if (t == null) {
      throw new ProblemException(Problem.NOT_FOUND, "task " + q.param("task") + " does not exist");
    }
    String wait = q.query().get("wait");
    if (wait == null) {
      return Reply.ok(Views.task(t.snapshot()));
    }
    long seen;
    double seconds;
    try {
      seconds = Math.min(30, Double.parseDouble(wait));
      seen = Long.parseLong(q.query().getOrDefault("version", "-1"));
    } catch (NumberFormatException e) {
      throw new ProblemException(Problem.INVALID, "wait and version must be numbers");
    }
    return Reply.ok(Views.task(t.await(seen, (long) (seconds * 1000))));
  }
}
